import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * In-memory storage of one realm's grants and tokens. It outlives the realm's provider instance, which is
 * rebuilt when the signing key rotates, so tokens issued before a rotation can still be introspected and
 * revoked. One store per realm: a token of one realm is unknown to every other.
 */
export class RealmStore {
  private readonly entries = new Map<string, Entry>();
  /** grantId → keys of the tokens issued under it, for revocation of a whole grant. */
  private readonly grants = new Map<string, Set<string>>();
  private readonly secondary = new Map<string, string>();

  adapterFor = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        const entryKey = key(id);
        this.entries.set(entryKey, {
          payload,
          expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity,
        });
        if (payload.grantId) {
          const members = this.grants.get(payload.grantId) ?? new Set<string>();
          members.add(entryKey);
          this.grants.set(payload.grantId, members);
        }
        if (payload.uid) this.secondary.set(`uid:${payload.uid}`, id);
        if (payload.userCode) this.secondary.set(`userCode:${payload.userCode}`, id);
      },
      find: async (id) => this.read(key(id)),
      findByUid: async (uid) => this.readSecondary(key, `uid:${uid}`),
      findByUserCode: async (userCode) => this.readSecondary(key, `userCode:${userCode}`),
      consume: async (id) => {
        const payload = this.read(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const member of this.grants.get(grantId) ?? []) this.entries.delete(member);
        this.grants.delete(grantId);
      },
    };
  };

  private read(entryKey: string): AdapterPayload | undefined {
    const entry = this.entries.get(entryKey);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(entryKey);
      return undefined;
    }
    return entry.payload;
  }

  private readSecondary(key: (id: string) => string, index: string): AdapterPayload | undefined {
    const id = this.secondary.get(index);
    return id === undefined ? undefined : this.read(key(id));
  }
}
