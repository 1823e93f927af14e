import type {
  DoAction,
  DoActionStatus,
  DoDroplet,
  DoDropletStatus,
  DoNetworkV4,
  DoNetworkV6,
  DoPaginationLinks,
} from '@agent-controller/shared-cloud-contracts';

import { iso } from '../core/http';
import {
  actionStateAt,
  type ActionStatus,
  type Machine,
  type MachineAction,
  type MachinePhase,
} from '../core/machines';
import { type Page, pageUrl } from '../core/pagination';

import type { DigitalOceanAttrs } from './validation';

const STATUS: Record<MachinePhase, DoDropletStatus> = {
  initializing: 'new',
  starting: 'new',
  running: 'active',
  off: 'off',
  deleting: 'active',
  deleted: 'active',
};

const ACTION_STATUS: Record<ActionStatus, DoActionStatus> = {
  running: 'in-progress',
  success: 'completed',
  error: 'errored',
};

export function dropletStatus(machine: Machine<DigitalOceanAttrs>): DoDropletStatus {
  return STATUS[machine.phase];
}

/** Public (the loopback address) and private IPv4 (and IPv6 if asked) appear once the droplet is active. */
function networks(machine: Machine<DigitalOceanAttrs>): { v4: DoNetworkV4[]; v6: DoNetworkV6[] } {
  if (machine.phase !== 'running') {
    return { v4: [], v6: [] };
  }
  const { attrs } = machine;
  const v4: DoNetworkV4[] = [
    { ip_address: `10.110.${(machine.id >> 8) & 255}.${machine.id & 255}`, netmask: '255.255.240.0', type: 'private' },
  ];
  if (attrs.publicNetworking) {
    v4.unshift({ ip_address: machine.address, netmask: '255.0.0.0', gateway: '127.0.0.1', type: 'public' });
  }
  const v6: DoNetworkV6[] = attrs.ipv6
    ? [
        {
          ip_address: `2001:db8::${(machine.id >>> 16).toString(16)}:${(machine.id & 0xffff).toString(16)}`,
          netmask: 64,
          gateway: '2001:db8::1',
          type: 'public',
        },
      ]
    : [];
  return { v4, v6 };
}

/** The droplet object: never `user_data`. */
export function toDroplet(machine: Machine<DigitalOceanAttrs>): DoDroplet {
  const { attrs } = machine;
  const features = ['droplet_agent', 'private_networking'];
  if (attrs.ipv6) features.push('ipv6');
  if (attrs.monitoring) features.push('monitoring');
  if (attrs.backups) features.push('backups');
  return {
    id: machine.id,
    name: machine.name,
    memory: attrs.size.memory,
    vcpus: attrs.size.vcpus,
    disk: attrs.size.disk,
    disk_info: attrs.size.disk_info,
    locked: false,
    status: dropletStatus(machine),
    kernel: null,
    created_at: iso(machine.createdAt),
    features,
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: [],
    image: attrs.image,
    volume_ids: [],
    size: attrs.size,
    size_slug: attrs.size.slug,
    networks: networks(machine),
    region: attrs.region,
    tags: attrs.tags,
    vpc_uuid: attrs.vpcUuid,
  };
}

export function toDoAction(action: MachineAction, attrs: DigitalOceanAttrs, now: number): DoAction {
  const state = actionStateAt(action, now);
  return {
    id: action.id,
    status: ACTION_STATUS[state.status],
    type: action.command,
    started_at: iso(action.startedAt),
    completed_at: state.finishedAt === null ? null : iso(state.finishedAt),
    resource_id: action.machineId,
    resource_type: 'droplet',
    region: attrs.region,
    region_slug: attrs.region.slug,
  };
}

/** `links.pages` with only the keys that make sense (page 1: no first/prev; last page: no next/last). */
export function toPageLinks(url: URL, page: Page<unknown>): DoPaginationLinks {
  const pages: Record<string, string> = {};
  if (page.page > 1) {
    pages['first'] = pageUrl(url, 1, page.perPage);
    pages['prev'] = pageUrl(url, Math.min(page.page - 1, page.lastPage), page.perPage);
  }
  if (page.page < page.lastPage) {
    pages['next'] = pageUrl(url, page.page + 1, page.perPage);
    pages['last'] = pageUrl(url, page.lastPage, page.perPage);
  }
  return { links: { pages } };
}
