import { CloudApiError, CloudOutcomeUnknownError } from '../providers/cloud-api.error';
import { CloudServer, CreateServerInput } from '../providers/cloud-provider';
import { createServerOnce, CreateOncePort } from './create-server-once';

const INPUT: CreateServerInput = {
  name: 'agent-1',
  serverType: 'cx23',
  location: 'fsn1',
  userData: '#cloud-config',
  labels: { controllerId: 'controller-1', jobId: 'job-1' },
};

const server = (id: string): CloudServer => ({
  id,
  name: 'agent-1',
  status: 'starting',
  ipv4: '127.0.1.5',
  jobId: 'job-1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
});

const lost = () => new CloudOutcomeUnknownError('hetzner', 'POST /servers failed: fetch failed');

/** A cloud whose creates and lookups answer as scripted, one entry per call (the last one repeats). */
function cloud(creates: Array<CloudServer | Error>, lookups: Array<CloudServer | null> = [null]) {
  let created = 0;
  let looked = 0;
  const port: CreateOncePort & { createServer: jest.Mock; findServerOfJob: jest.Mock } = {
    type: 'hetzner',
    createServer: jest.fn(async () => {
      const answer = creates[Math.min(created++, creates.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    }),
    findServerOfJob: jest.fn(async () => lookups[Math.min(looked++, lookups.length - 1)]),
  };
  return port;
}

describe('createServerOnce', () => {
  const sleep = jest.fn(async () => undefined);
  const options = { attempts: 3, settleMs: 250, sleep };
  beforeEach(() => sleep.mockClear());

  it('answers the created server without looking when the cloud answers', async () => {
    const provider = cloud([server('1')]);
    await expect(createServerOnce(provider, INPUT, options)).resolves.toEqual(server('1'));
    expect(provider.createServer).toHaveBeenCalledTimes(1);
    expect(provider.findServerOfJob).not.toHaveBeenCalled();
  });

  it('adopts the server the cloud made when the answer was lost, sending no second create', async () => {
    const provider = cloud([lost(), server('2')], [server('1')]);
    await expect(createServerOnce(provider, INPUT, options)).resolves.toEqual(server('1'));
    expect(provider.createServer).toHaveBeenCalledTimes(1);
    expect(provider.findServerOfJob).toHaveBeenCalledWith(INPUT.labels);
    // The lookup waited for the cloud's list to settle.
    expect(sleep).toHaveBeenCalledWith(250);
  });

  it('sends the create again only when the cloud holds no server of the job', async () => {
    const provider = cloud([lost(), server('2')], [null]);
    await expect(createServerOnce(provider, INPUT, options)).resolves.toEqual(server('2'));
    expect(provider.createServer).toHaveBeenCalledTimes(2);
    expect(provider.findServerOfJob).toHaveBeenCalledTimes(1);
  });

  it('gives up after the bounded number of creates, as CLOUD_UNAVAILABLE', async () => {
    const provider = cloud([lost()], [null]);
    const error = await createServerOnce(provider, INPUT, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudApiError);
    expect(error).not.toBeInstanceOf(CloudOutcomeUnknownError);
    expect(error).toMatchObject({
      code: 'CLOUD_UNAVAILABLE',
      message: expect.stringMatching(/^No answer to 3 creates/),
    });
    expect(provider.createServer).toHaveBeenCalledTimes(3);
    expect(provider.findServerOfJob).toHaveBeenCalledTimes(3);
  });

  it('passes a refusal of the first create on without looking (nothing was made)', async () => {
    const refused = new CloudApiError('hetzner', 'rejected', 'hetzner answered 412', 412, 'resource_unavailable');
    const provider = cloud([refused]);
    await expect(createServerOnce(provider, INPUT, options)).rejects.toBe(refused);
    expect(provider.createServer).toHaveBeenCalledTimes(1);
    expect(provider.findServerOfJob).not.toHaveBeenCalled();
  });

  it('looks once more when a re-sent create is refused (409 name taken: the first one landed late)', async () => {
    const taken = new CloudApiError('hetzner', 'rejected', 'hetzner answered 409', 409, 'uniqueness_error');
    const provider = cloud([lost(), taken], [null, server('1')]);
    await expect(createServerOnce(provider, INPUT, options)).resolves.toEqual(server('1'));
    expect(provider.createServer).toHaveBeenCalledTimes(2);

    const nothing = cloud([lost(), taken], [null]);
    await expect(createServerOnce(nothing, INPUT, options)).rejects.toBe(taken);
  });

  it('lets a failed lookup end the job rather than create blind', async () => {
    const down = new CloudApiError('hetzner', 'unavailable', 'GET /servers failed');
    const provider = cloud([lost()]);
    provider.findServerOfJob.mockRejectedValue(down);
    await expect(createServerOnce(provider, INPUT, options)).rejects.toBe(down);
    expect(provider.createServer).toHaveBeenCalledTimes(1);
  });
});
