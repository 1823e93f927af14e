import { Location } from '@agent-controller/shared-contracts';
import {
  HETZNER_UBUNTU_24_04_IMAGE,
  HetznerCreateServerRequest,
  HetznerCreateServerResponse,
  HetznerGetServerResponse,
  HetznerListLocationsResponse,
  HetznerListServersResponse,
  HetznerListServerTypesResponse,
  HetznerServer,
} from '@agent-controller/shared-cloud-contracts';
import { CloudHttp } from './cloud-http';
import { CloudProvider, CloudServer, CloudServerType, CreateServerInput, ServerLabels } from './cloud-provider';

const CONTROLLER_LABEL = 'agent-controller/controller';
const JOB_LABEL = 'agent-controller/job';
const PER_PAGE = 50;

/** Hetzner Cloud API v1 (shared/contracts/cloud-providers.md §2). */
export class HetznerProvider implements CloudProvider {
  readonly type = 'hetzner' as const;
  readonly displayName = 'Hetzner Cloud';
  readonly configured: boolean;
  private readonly http: CloudHttp;

  constructor(settings: { token?: string; baseUrl: string }) {
    this.configured = Boolean(settings.token);
    this.http = new CloudHttp('hetzner', settings.baseUrl, settings.token, (body) => {
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      return { code: error?.code, message: error?.message };
    });
  }

  async listServerTypes(location?: string): Promise<CloudServerType[]> {
    const types = await this.all<
      HetznerListServerTypesResponse,
      HetznerListServerTypesResponse['server_types'][number]
    >('/server_types', {}, (page) => page.server_types);
    const now = Date.now();
    return types
      .map((type) => {
        const available = type.locations
          .filter((place) => !place.deprecation || Date.parse(place.deprecation.unavailable_after) > now)
          .map((place) => place.name);
        const prices = type.prices.filter((price) => available.includes(price.location));
        const price = location
          ? prices.find((candidate) => candidate.location === location)
          : prices.sort((a, b) => Number(a.price_monthly.gross) - Number(b.price_monthly.gross))[0];
        return {
          id: type.name,
          name: type.description ? `${type.name} (${type.description})` : type.name,
          cores: type.cores,
          memoryGb: type.memory,
          diskGb: type.disk,
          priceMonthly: price ? Number(price.price_monthly.gross) : null,
          priceHourly: price ? Number(price.price_hourly.gross) : null,
          currency: 'EUR',
          locations: available,
        };
      })
      .filter((type) => !location || type.locations.includes(location));
  }

  async listLocations(): Promise<Location[]> {
    const locations = await this.all<HetznerListLocationsResponse, HetznerListLocationsResponse['locations'][number]>(
      '/locations',
      {},
      (page) => page.locations,
    );
    return locations.map((place) => ({
      id: place.name,
      name: place.description,
      country: place.country,
      city: place.city,
    }));
  }

  async createServer(input: CreateServerInput): Promise<CloudServer> {
    const request: HetznerCreateServerRequest = {
      name: input.name,
      server_type: input.serverType,
      image: HETZNER_UBUNTU_24_04_IMAGE,
      ...(input.location ? { location: input.location } : {}),
      user_data: input.userData,
      labels: { [CONTROLLER_LABEL]: input.labels.controllerId, [JOB_LABEL]: input.labels.jobId },
      start_after_create: true,
    };
    const { body } = await this.http.request<HetznerCreateServerResponse>('POST', '/servers', { body: request });
    return toCloudServer(body.server);
  }

  async getServer(id: string): Promise<CloudServer | null> {
    const { status, body } = await this.http.request<HetznerGetServerResponse>('GET', `/servers/${id}`, {
      accept: [404],
    });
    return status === 404 ? null : toCloudServer(body.server);
  }

  async deleteServer(id: string): Promise<void> {
    await this.http.request('DELETE', `/servers/${id}`, { accept: [404] });
  }

  async findServerOfJob(labels: ServerLabels): Promise<CloudServer | null> {
    const servers = await this.all<HetznerListServersResponse, HetznerServer>(
      '/servers',
      { label_selector: `${CONTROLLER_LABEL}=${labels.controllerId},${JOB_LABEL}=${labels.jobId}`, sort: 'id:asc' },
      (page) => page.servers,
    );
    return servers.length > 0 ? toCloudServer(servers[0]) : null;
  }

  listServers(controllerId: string): Promise<CloudServer[]> {
    return this.all<HetznerListServersResponse, HetznerServer>(
      '/servers',
      { label_selector: `${CONTROLLER_LABEL}=${controllerId}` },
      (page) => page.servers,
    ).then((servers) => servers.map(toCloudServer));
  }

  /** Every page of a list (`meta.pagination.next_page` until null). */
  private async all<Page extends { meta?: { pagination?: { next_page?: number | null } } }, Item>(
    path: string,
    query: Record<string, string>,
    items: (page: Page) => Item[],
  ): Promise<Item[]> {
    const collected: Item[] = [];
    for (let page: number | null | undefined = 1; page; ) {
      const { body }: { body: Page } = await this.http.request<Page>('GET', path, {
        query: { ...query, page, per_page: PER_PAGE },
      });
      collected.push(...items(body));
      page = body.meta?.pagination?.next_page;
    }
    return collected;
  }
}

function toCloudServer(server: HetznerServer): CloudServer {
  const status =
    server.status === 'running'
      ? 'running'
      : ['off', 'stopping', 'deleting'].includes(server.status)
        ? 'failed'
        : 'starting';
  return {
    id: String(server.id),
    name: server.name,
    status,
    ipv4: server.public_net.ipv4?.ip ?? null,
    jobId: server.labels[JOB_LABEL] ?? null,
    createdAt: new Date(server.created),
  };
}
