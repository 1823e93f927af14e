import { inject, Injectable } from '@angular/core';
import { RemoteValue } from '@agent-controller/console-clients-data-access';
import { ActionTracker } from './action-tracker';
import type { EnvironmentVariable } from './agent-detail.types';
import type { EnvironmentVariableRequest } from './agent-requests.types';
import { EnvironmentApi } from './environment.api';

/** An agent's environment variables: the list and the writes (each write reloads the list the remote keeps). */
@Injectable()
export class EnvironmentStore {
  private readonly api = inject(EnvironmentApi);
  private clientId = '';
  private agentId = '';

  readonly variables = new RemoteValue<EnvironmentVariable[]>();
  readonly actions = new ActionTracker();

  load(clientId = this.clientId, agentId = this.agentId): Promise<void> {
    this.clientId = clientId;
    this.agentId = agentId;
    return this.variables.load(() => this.api.list(clientId, agentId));
  }

  add(request: EnvironmentVariableRequest): Promise<boolean> {
    return this.write(
      'add',
      () => this.api.create(this.clientId, this.agentId, request),
      `${request.variable} added`,
      `Adding ${request.variable} failed`,
    );
  }

  update(variable: EnvironmentVariable, request: EnvironmentVariableRequest): Promise<boolean> {
    return this.write(
      variable.id,
      () => this.api.update(this.clientId, this.agentId, variable.id, request),
      `${request.variable} saved`,
      `Saving ${variable.variable} failed`,
    );
  }

  remove(variable: EnvironmentVariable): Promise<boolean> {
    return this.write(
      variable.id,
      () => this.api.delete(this.clientId, this.agentId, variable.id),
      `${variable.variable} deleted`,
      `Deleting ${variable.variable} failed`,
    );
  }

  removeAll(): Promise<boolean> {
    return this.write(
      'all',
      () => this.api.deleteAll(this.clientId, this.agentId),
      'All environment variables deleted',
      'Deleting the environment variables failed',
    );
  }

  private async write(key: string, action: () => Promise<unknown>, done: string, failed: string): Promise<boolean> {
    const ok = await this.actions.run(key, action, done, failed);
    if (ok) await this.load();
    return ok;
  }
}
