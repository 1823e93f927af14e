import type {
  HetznerAction,
  HetznerListMeta,
  HetznerServer,
  HetznerServerStatus,
} from '@agent-controller/shared-cloud-contracts';

import { iso } from '../core/http';
import { actionStateAt, type Machine, type MachineAction, type MachinePhase } from '../core/machines';
import { type Page, pageUrl } from '../core/pagination';

import type { HetznerAttrs } from './validation';

const STATUS: Record<MachinePhase, HetznerServerStatus> = {
  initializing: 'initializing',
  starting: 'starting',
  running: 'running',
  off: 'off',
  deleting: 'deleting',
  deleted: 'deleting',
};

export function hetznerStatus(machine: Machine<HetznerAttrs>): HetznerServerStatus {
  return STATUS[machine.phase];
}

/** The server object of the live API: no `datacenter` (removed 2026-07-01), never `user_data`. */
export function toHetznerServer(machine: Machine<HetznerAttrs>): HetznerServer {
  const { attrs } = machine;
  const price = attrs.serverType.prices.find((item) => item.location === attrs.location.name);
  const reversed = machine.address.split('.').reverse().join('.');
  return {
    id: machine.id,
    name: machine.name,
    status: hetznerStatus(machine),
    created: iso(machine.createdAt),
    public_net: {
      ipv4: attrs.ipv4
        ? {
            id: 90_000_000 + machine.id,
            ip: machine.address,
            blocked: false,
            dns_ptr: `static.${reversed}.clients.your-server.de`,
          }
        : null,
      ipv6: attrs.ipv6
        ? {
            id: 91_000_000 + machine.id,
            ip: `2001:db8:${machine.id.toString(16).slice(-4)}::/64`,
            blocked: false,
            dns_ptr: [],
          }
        : null,
      floating_ips: [],
      firewalls: [],
    },
    private_net: [],
    server_type: attrs.serverType,
    location: attrs.location,
    image: attrs.image,
    iso: null,
    rescue_enabled: false,
    locked: false,
    backup_window: null,
    outgoing_traffic: machine.phase === 'running' ? 0 : null,
    ingoing_traffic: machine.phase === 'running' ? 0 : null,
    included_traffic: price?.included_traffic ?? 0,
    protection: { delete: false, rebuild: false },
    labels: attrs.labels,
    volumes: [],
    load_balancers: [],
    primary_disk_size: attrs.serverType.disk,
    placement_group: null,
  };
}

export function toHetznerAction(action: MachineAction, now: number): HetznerAction {
  const state = actionStateAt(action, now);
  return {
    id: action.id,
    command: action.command,
    status: state.status,
    progress: state.progress,
    started: iso(action.startedAt),
    finished: state.finishedAt === null ? null : iso(state.finishedAt),
    resources: [{ id: action.machineId, type: 'server' }],
    error: state.status === 'error' ? { code: 'action_failed', message: 'Action failed' } : null,
  };
}

export function toListMeta(page: Page<unknown>): HetznerListMeta {
  return {
    pagination: {
      page: page.page,
      per_page: page.perPage,
      previous_page: page.page > 1 ? Math.min(page.page - 1, page.lastPage) : null,
      next_page: page.page < page.lastPage ? page.page + 1 : null,
      last_page: page.lastPage,
      total_entries: page.total,
    },
  };
}

/** `Link: <…page=1…>; rel="prev", <…>; rel="next", <…>; rel="last"`. */
export function linkHeader(url: URL, page: Page<unknown>): string {
  const links: string[] = [];
  if (page.page > 1) links.push(`<${pageUrl(url, Math.min(page.page - 1, page.lastPage), page.perPage)}>; rel="prev"`);
  if (page.page < page.lastPage) links.push(`<${pageUrl(url, page.page + 1, page.perPage)}>; rel="next"`);
  links.push(`<${pageUrl(url, page.lastPage, page.perPage)}>; rel="last"`);
  return links.join(', ');
}
