import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { VerifyCommandsRequest } from './agent-requests.types';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/** One command's outcome, as the remote reports it. */
export interface VerifyCommandResult {
  cmd: string;
  exitCode: number;
  output: string;
}

/** `…/automation/*`: commands run inside the agent's container. */
@Injectable({ providedIn: 'root' })
export class AutomationApi {
  private readonly http = inject(HttpClient);

  verifyCommands(clientId: string, agentId: string, body: VerifyCommandsRequest): Promise<VerifyCommandResult[]> {
    const url = `${apiPaths.agents.one(clientId, agentId)}/automation/verify-commands`;
    return firstValueFrom(this.http.post<{ results: VerifyCommandResult[] }>(url, body)).then(
      (answer) => answer.results ?? [],
    );
  }
}
