import { Location } from '@agent-controller/shared-contracts';
import {
  DIGITALOCEAN_UBUNTU_24_04_IMAGE,
  DoCreateSingleDropletRequest,
  DoCreateSingleDropletResponse,
  DoDroplet,
  DoGetDropletResponse,
  DoListDropletsResponse,
  DoListRegionsResponse,
  DoListSizesResponse,
} from '@agent-controller/shared-cloud-contracts';
import { CloudHttp } from './cloud-http';
import { CloudProvider, CloudServer, CloudServerType, CreateServerInput, ServerLabels } from './cloud-provider';

const CONTROLLER_TAG = 'agent-controller';
const JOB_TAG = 'agent-controller-job';
const PER_PAGE = 200;

/** DigitalOcean API v2 (shared/contracts/cloud-providers.md §1). Tags carry the labels. */
export class DigitalOceanProvider implements CloudProvider {
  readonly type = 'digital-ocean' as const;
  readonly displayName = 'DigitalOcean';
  readonly configured: boolean;
  private readonly http: CloudHttp;

  constructor(settings: { token?: string; baseUrl: string }) {
    this.configured = Boolean(settings.token);
    this.http = new CloudHttp('digital-ocean', settings.baseUrl, settings.token, (body) => {
      const error = body as { id?: string; message?: string } | undefined;
      return { code: error?.id, message: error?.message };
    });
  }

  async listServerTypes(location?: string): Promise<CloudServerType[]> {
    const sizes = await this.all<DoListSizesResponse, DoListSizesResponse['sizes'][number]>(
      '/v2/sizes',
      {},
      (page) => page.sizes,
    );
    return sizes
      .filter((size) => size.available && (!location || size.regions.includes(location)))
      .map((size) => ({
        id: size.slug,
        name: `${size.slug} (${size.description})`,
        cores: size.vcpus,
        memoryGb: size.memory / 1024,
        diskGb: size.disk,
        priceMonthly: size.price_monthly,
        priceHourly: size.price_hourly,
        currency: 'USD',
        locations: size.regions,
      }));
  }

  async listLocations(): Promise<Location[]> {
    const regions = await this.all<DoListRegionsResponse, DoListRegionsResponse['regions'][number]>(
      '/v2/regions',
      {},
      (page) => page.regions,
    );
    return regions
      .filter((region) => region.available)
      .map((region) => ({ id: region.slug, name: region.name, country: null, city: null }));
  }

  async createServer(input: CreateServerInput): Promise<CloudServer> {
    const request: DoCreateSingleDropletRequest = {
      name: input.name,
      size: input.serverType,
      image: DIGITALOCEAN_UBUNTU_24_04_IMAGE,
      ...(input.location ? { region: input.location } : {}),
      user_data: input.userData,
      tags: [controllerTag(input.labels.controllerId), jobTag(input.labels.jobId)],
    };
    const { body } = await this.http.request<DoCreateSingleDropletResponse>('POST', '/v2/droplets', { body: request });
    return toCloudServer(body.droplet);
  }

  async getServer(id: string): Promise<CloudServer | null> {
    const { status, body } = await this.http.request<DoGetDropletResponse>('GET', `/v2/droplets/${id}`, {
      accept: [404],
    });
    return status === 404 ? null : toCloudServer(body.droplet);
  }

  async deleteServer(id: string): Promise<void> {
    await this.http.request('DELETE', `/v2/droplets/${id}`, { accept: [404] });
  }

  async findServerOfJob(labels: ServerLabels): Promise<CloudServer | null> {
    const droplets = await this.all<DoListDropletsResponse, DoDroplet>(
      '/v2/droplets',
      { tag_name: jobTag(labels.jobId) },
      (page) => (page.droplets ?? []) as DoDroplet[],
    );
    // One tag per list call: the controller's tag is checked here.
    const ours = droplets
      .filter((droplet) => droplet.tags.includes(controllerTag(labels.controllerId)))
      .sort((a, b) => a.id - b.id);
    return ours.length > 0 ? toCloudServer(ours[0]) : null;
  }

  async listServers(controllerId: string): Promise<CloudServer[]> {
    const droplets = await this.all<DoListDropletsResponse, DoDroplet>(
      '/v2/droplets',
      { tag_name: controllerTag(controllerId) },
      (page) => (page.droplets ?? []) as DoDroplet[],
    );
    return droplets.map(toCloudServer);
  }

  /** Every page of a list (`links.pages.next` until absent). */
  private async all<Page extends { links?: { pages?: unknown } }, Item>(
    path: string,
    query: Record<string, string>,
    items: (page: Page) => Item[],
  ): Promise<Item[]> {
    const collected: Item[] = [];
    for (let page = 1; ; page += 1) {
      const { body } = await this.http.request<Page>('GET', path, { query: { ...query, page, per_page: PER_PAGE } });
      collected.push(...items(body));
      // `links` may be missing, `{}` or `{pages: {}}` on the last page (contract §1.1).
      if (!(body.links?.pages as { next?: string } | undefined)?.next) return collected;
    }
  }
}

const controllerTag = (controllerId: string) => `${CONTROLLER_TAG}:${controllerId}`;
const jobTag = (jobId: string) => `${JOB_TAG}:${jobId}`;

function toCloudServer(droplet: DoDroplet): CloudServer {
  const publicV4 = droplet.networks.v4?.find((network) => network.type === 'public')?.ip_address ?? null;
  const job = droplet.tags.find((tag) => tag.startsWith(`${JOB_TAG}:`));
  return {
    id: String(droplet.id),
    name: droplet.name,
    status: droplet.status === 'active' ? 'running' : droplet.status === 'new' ? 'starting' : 'failed',
    ipv4: typeof publicV4 === 'string' ? publicV4 : null,
    jobId: job ? job.slice(JOB_TAG.length + 1) : null,
    createdAt: new Date(droplet.created_at),
  };
}
