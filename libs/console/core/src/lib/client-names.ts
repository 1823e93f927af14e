import { HttpClient } from '@angular/common/http';
import { inject, Injectable, signal } from '@angular/core';
import type { Client } from '@agent-controller/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';

/**
 * Client names for breadcrumbs and titles on pages below a client (agents, agent, chat): asked for once per
 * client and session, and kept current by the pages that load the client itself.
 */
@Injectable({ providedIn: 'root' })
export class ClientNames {
  private readonly http = inject(HttpClient);
  private readonly names = signal<ReadonlyMap<string, string>>(new Map());
  private readonly asked = new Set<string>();

  /** The name, once known; null until then (or when the client cannot be read). */
  name(id: string): string | null {
    return this.names().get(id) ?? null;
  }

  remember(id: string, name: string): void {
    if (this.names().get(id) === name) return;
    this.names.update((names) => new Map(names).set(id, name));
  }

  /** Asks the controller for the name unless it is known or already asked for. */
  async load(id: string): Promise<void> {
    if (this.names().has(id) || this.asked.has(id)) return;
    this.asked.add(id);
    try {
      const client = await firstValueFrom(this.http.get<Pick<Client, 'name'>>(apiPaths.clients.one(id)));
      this.remember(id, client.name);
    } catch {
      // The page itself reports what is wrong with the client; the breadcrumb keeps its generic label.
      this.asked.delete(id);
    }
  }
}
