import { VersionedCache } from './versioned-cache';

/** A cache with a hand-driven clock, trusted (invalidations arrive) unless said otherwise. */
function cacheOf(options: { ttlMs?: number; maxEntries?: number; trusted?: boolean } = {}) {
  const clock = { now: 1_000 };
  const cache = new VersionedCache<string>({
    ttlMs: options.ttlMs ?? 60_000,
    maxEntries: options.maxEntries ?? 100,
    now: () => clock.now,
  });
  cache.trust(options.trusted ?? true);
  return { cache, clock };
}

/** A loader that counts its calls and answers `value`. */
function loader(value: string | null = 'row') {
  const load = jest.fn(async () => value);
  return load;
}

/** A load the test finishes by hand, to interleave it with invalidations. */
function pendingLoad() {
  let finish: (value: string) => void = () => undefined;
  const load = jest.fn(() => new Promise<string>((resolve) => (finish = resolve)));
  return { load, finish: (value: string) => finish(value) };
}

describe('VersionedCache', () => {
  it('loads once, then answers from memory', async () => {
    const { cache } = cacheOf();
    const load = loader('alice');

    expect(await cache.get('u1', load)).toBe('alice');
    expect(await cache.get('u1', load)).toBe('alice');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not remember a missing row', async () => {
    const { cache } = cacheOf();
    const load = loader(null);

    expect(await cache.get('u1', load)).toBeNull();
    expect(await cache.get('u1', load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads again after an invalidation of the key, and only of that key', async () => {
    const { cache } = cacheOf();
    const [first, second] = [loader('a'), loader('b')];
    await cache.get('c1|u1', first);
    await cache.get('c2|u1', second);

    cache.invalidate((key) => key.startsWith('c1|'));

    await cache.get('c1|u1', first);
    await cache.get('c2|u1', second);
    expect(first).toHaveBeenCalledTimes(2);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('does not store a load that began before an invalidation (it may have read the old row)', async () => {
    const { cache } = cacheOf();
    const stale = pendingLoad();
    const reading = cache.get('u1', stale.load);

    cache.invalidate((key) => key === 'u1');
    stale.finish('before the change');

    expect(await reading).toBe('before the change');
    const fresh = loader('after the change');
    expect(await cache.get('u1', fresh)).toBe('after the change');
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('is bypassed while invalidations may not arrive, and starts empty when they do again', async () => {
    const { cache } = cacheOf();
    const load = loader();
    await cache.get('u1', load);

    cache.trust(false);
    await cache.get('u1', load);
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(0);

    cache.trust(true);
    await cache.get('u1', load);
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('drops what it had when invalidations stop, and keeps a load under way from storing', async () => {
    const { cache } = cacheOf();
    const slow = pendingLoad();
    const reading = cache.get('u1', slow.load);

    cache.trust(false);
    cache.trust(true);
    slow.finish('read while deaf');
    await reading;

    const load = loader('fresh');
    expect(await cache.get('u1', load)).toBe('fresh');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reads again once an entry is older than the TTL', async () => {
    const { cache, clock } = cacheOf({ ttlMs: 5_000 });
    const load = loader();
    await cache.get('u1', load);

    clock.now += 4_999;
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(1);
    clock.now += 1;
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { cache } = cacheOf({ maxEntries: 2 });
    const [a, b, c] = [loader('a'), loader('b'), loader('c')];
    await cache.get('a', a);
    await cache.get('b', b);
    await cache.get('a', a); // a is now the most recently used
    await cache.get('c', c);

    expect(cache.size).toBe(2);
    await cache.get('a', a);
    await cache.get('c', c);
    expect(a).toHaveBeenCalledTimes(1);
    expect(c).toHaveBeenCalledTimes(1);
    await cache.get('b', b);
    expect(b).toHaveBeenCalledTimes(2);
  });

  it('with a TTL of 0 never stores', async () => {
    const { cache } = cacheOf({ ttlMs: 0 });
    const load = loader();
    await cache.get('u1', load);
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
