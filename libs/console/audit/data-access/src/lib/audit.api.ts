import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AuditEvent } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

export interface AuditPage {
  events: AuditEvent[];
  total: number;
}

/** GET /api/audit (global admins), typed by the shared contracts. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  async list(query: Record<string, string>): Promise<AuditPage> {
    const params = new HttpParams({ fromObject: query });
    const response = await firstValueFrom(this.http.get<AuditEvent[]>(apiPaths.audit, { params, observe: 'response' }));
    return { events: response.body ?? [], total: Number(response.headers.get('x-total-count') ?? 0) };
  }
}
