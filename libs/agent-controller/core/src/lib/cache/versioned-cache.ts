import type { Observable, Subscription } from 'rxjs';

export interface VersionedCacheOptions {
  /** A backstop: an entry is read again after this long even if no invalidation came. 0 disables the cache. */
  ttlMs: number;
  /** At most this many entries; the least recently used goes first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A bounded, expiring cache of shared state that other replicas may change, for values only trusted while
 * invalidations are known to arrive (`trust(true)`); until then every read loads.
 *
 * Versioned: every invalidation bumps a version, and a load that began before one does not store its result,
 * since it may have read the row just before the change was committed.
 */
export class VersionedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;
  private version = 0;
  private trusted = false;

  constructor(private readonly options: VersionedCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get enabled(): boolean {
    return this.trusted && this.options.ttlMs > 0 && this.options.maxEntries > 0;
  }

  /** The cached value, else `load()`'s (stored unless null, or unless something was invalidated meanwhile). */
  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (!this.enabled) return load();
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      if (entry.expiresAt > this.now()) {
        // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
        this.entries.set(key, entry);
        return entry.value;
      }
    }
    const version = this.version;
    const value = await load();
    if (value !== null && this.enabled && version === this.version) this.store(key, value);
    return value;
  }

  /** Drops every entry whose key matches, and keeps loads already under way from storing. */
  invalidate(matches: (key: string) => boolean): void {
    this.version += 1;
    for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
  }

  /** Trusted while `delivering` says invalidations arrive (FleetEvents.deliveringChanges()). */
  trustWhile(delivering: Observable<boolean>): Subscription {
    return delivering.subscribe((up) => this.trust(up));
  }

  /** Whether invalidations arrive; losing them drops everything, and so does getting them back (some were missed). */
  trust(trusted: boolean): void {
    this.invalidate(() => true);
    this.trusted = trusted;
  }

  private store(key: string, value: V): void {
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
