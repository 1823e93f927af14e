import { inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage, type ListPage, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type { CreateUserRequest, User, UserRole } from '@agent-controller/shared-contracts';
import { UsersApi } from './users.api';

/**
 * The users page: one page of users (paged by X-Total-Count), and the changes an admin makes to them. A refused
 * change (e.g. the last active admin) is kept in `actionError` as the controller's sentence, and the page is
 * read again so every control shows what is stored.
 */
@Injectable()
export class UsersStore extends PagedListStore<User> {
  private readonly api = inject(UsersApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly users = this.items;
  /** Why the last change was refused; cleared by the next change. */
  readonly actionError = signal<string | null>(null);
  /** The user a change is under way for (its controls are disabled meanwhile). */
  readonly busyId = signal<string | null>(null);

  constructor() {
    super({ filters: {}, pageSize: 25 });
  }

  protected async fetchPage({ pageIndex, pageSize }: PageRequest<Record<string, never>>): Promise<ListPage<User>> {
    const page = await this.api.list(pageSize, pageIndex * pageSize);
    return { items: page.users, total: page.total };
  }

  /** Creates the user and reads the page again; a refusal is thrown to the dialog, which shows it per field. */
  async createUser(request: CreateUserRequest): Promise<User> {
    const user = await this.api.create(request);
    this.actionError.set(null);
    await this.load();
    return user;
  }

  changeRole(user: User, role: UserRole): Promise<boolean> {
    if (user.role === role) return Promise.resolve(true);
    return this.change(user, `change the role of ${user.email}`, () => this.api.update(user.id, { role }));
  }

  setLocked(user: User, locked: boolean): Promise<boolean> {
    return this.change(user, `${locked ? 'lock' : 'unlock'} ${user.email}`, () =>
      locked ? this.api.lock(user.id) : this.api.unlock(user.id),
    );
  }

  async deleteUser(user: User): Promise<boolean> {
    const deleted = await this.change(user, `delete ${user.email}`, () => this.api.delete(user.id));
    if (deleted) await this.reloadAfterRemoving(1);
    return deleted;
  }

  private async change(user: User, what: string, call: () => Promise<User | void>): Promise<boolean> {
    this.busyId.set(user.id);
    this.actionError.set(null);
    try {
      const saved = await call();
      if (saved) this.users.update((users) => users.map((current) => (current.id === saved.id ? saved : current)));
      return true;
    } catch (error) {
      this.actionError.set(`Could not ${what}: ${apiErrorMessage(error)}`);
      await this.load();
      return false;
    } finally {
      this.busyId.set(null);
    }
  }
}
