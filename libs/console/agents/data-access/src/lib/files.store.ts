import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage } from '@agent-controller/console-core';
import { ActionTracker } from './action-tracker';
import { DirectoryListing, flattenTree, isWithin, joinPath, parentOf } from './file-tree';
import { FileContext, FilesApi } from './files.api';
import { decodeBase64Utf8, encodeBase64Utf8 } from './text-encoding';

/** The file open in the editor: `content` is the draft, `saved` what the remote holds. */
export interface OpenFile {
  path: string;
  loading: boolean;
  error: string | null;
  /** Not UTF-8 text: shown, not edited. */
  binary: boolean;
  saved: string;
  content: string;
}

/** An agent's workspace files: a lazily read tree, one open file, and the writes (create, save, move, delete). */
@Injectable()
export class FilesStore {
  private readonly api = inject(FilesApi);
  private clientId = '';
  private agentId = '';
  private openRequest = 0;

  /** Which files are shown: the workspace (`app`) or, for managers, the agent's configuration (`config`). */
  readonly context = signal<FileContext>('app');
  readonly listings = signal<Record<string, DirectoryListing>>({});
  readonly expanded = signal<ReadonlySet<string>>(new Set());
  readonly rows = computed(() => flattenTree(this.listings(), this.expanded()));
  readonly root = computed<DirectoryListing>(() => this.listings()[''] ?? { loading: true, error: null, nodes: [] });
  readonly file = signal<OpenFile | null>(null);
  readonly dirty = computed(() => {
    const file = this.file();
    return file !== null && !file.loading && file.content !== file.saved;
  });
  readonly actions = new ActionTracker();

  load(clientId: string, agentId: string, context: FileContext = this.context()): Promise<void> {
    this.clientId = clientId;
    this.agentId = agentId;
    this.context.set(context);
    this.openRequest++;
    this.listings.set({});
    this.expanded.set(new Set());
    this.file.set(null);
    return this.list('');
  }

  /** Shows the other set of files from its root; the caller asks about unsaved changes first. */
  switchContext(context: FileContext): Promise<void> {
    if (context === this.context()) return Promise.resolve();
    return this.load(this.clientId, this.agentId, context);
  }

  /** Reads the root and every open directory again. */
  refresh(): Promise<unknown> {
    return Promise.all(['', ...this.expanded()].map((path) => this.list(path)));
  }

  async list(directory: string): Promise<void> {
    const context = this.context();
    this.setListing(directory, { loading: true, error: null, nodes: this.listings()[directory]?.nodes ?? [] });
    try {
      const nodes = await this.api.list(this.clientId, this.agentId, directory, context);
      // A listing that arrives after the context switched belongs to the other tree.
      if (context !== this.context()) return;
      this.setListing(directory, { loading: false, error: null, nodes });
    } catch (error) {
      if (context !== this.context()) return;
      this.setListing(directory, { loading: false, error: apiErrorMessage(error), nodes: [] });
    }
  }

  /** Opens or closes a directory; its children are read the first time (and after a failure). */
  toggle(directory: string): Promise<void> {
    const expanded = new Set(this.expanded());
    if (expanded.delete(directory)) {
      this.expanded.set(expanded);
      return Promise.resolve();
    }
    expanded.add(directory);
    this.expanded.set(expanded);
    const listing = this.listings()[directory];
    return listing && !listing.error ? Promise.resolve() : this.list(directory);
  }

  async open(path: string): Promise<void> {
    const request = ++this.openRequest;
    this.file.set({ path, loading: true, error: null, binary: false, saved: '', content: '' });
    try {
      const body = await this.api.read(this.clientId, this.agentId, path, this.context());
      const text = body.encoding === 'base64' ? decodeBase64Utf8(body.content) : body.content;
      if (request !== this.openRequest) return;
      this.file.set({
        path,
        loading: false,
        error: null,
        binary: text === null,
        saved: text ?? '',
        content: text ?? '',
      });
    } catch (error) {
      if (request === this.openRequest) {
        this.file.set({ path, loading: false, error: apiErrorMessage(error), binary: false, saved: '', content: '' });
      }
    }
  }

  edit(content: string): void {
    const file = this.file();
    if (file && !file.loading && !file.binary) this.file.set({ ...file, content });
  }

  close(): void {
    this.openRequest++;
    this.file.set(null);
  }

  /** Writes the draft as base64 (any text survives the trip), then marks it saved. */
  async save(): Promise<boolean> {
    const file = this.file();
    if (!file || file.loading || file.binary) return false;
    const content = file.content;
    const ok = await this.actions.run(
      'save',
      () =>
        this.api.write(
          this.clientId,
          this.agentId,
          file.path,
          { content: encodeBase64Utf8(content), encoding: 'base64' },
          this.context(),
        ),
      `${file.path} saved`,
      `Saving ${file.path} failed`,
    );
    if (ok) {
      const current = this.file();
      if (current?.path === file.path) this.file.set({ ...current, saved: content });
      void this.list(parentOf(file.path));
    }
    return ok;
  }

  /** Creates a file or folder in `directory` (opened, so it can be seen); a new file is opened for editing. */
  async create(directory: string, name: string, type: 'file' | 'directory'): Promise<boolean> {
    const path = joinPath(directory, name);
    const ok = await this.actions.run(
      'create',
      () =>
        this.api.create(
          this.clientId,
          this.agentId,
          path,
          type === 'file' ? { type, content: '' } : { type },
          this.context(),
        ),
      `${type === 'file' ? 'File' : 'Folder'} ${path} created`,
      `Creating ${path} failed`,
    );
    if (!ok) return false;
    if (directory) this.expanded.set(new Set([...this.expanded(), directory]));
    await this.list(directory);
    if (type === 'file') await this.open(path);
    return true;
  }

  async remove(path: string): Promise<boolean> {
    const ok = await this.actions.run(
      `delete:${path}`,
      () => this.api.delete(this.clientId, this.agentId, path, this.context()),
      `${path} deleted`,
      `Deleting ${path} failed`,
    );
    if (!ok) return false;
    this.forget(path);
    const open = this.file();
    if (open && isWithin(open.path, path)) this.close();
    await this.list(parentOf(path));
    return true;
  }

  async move(path: string, destination: string): Promise<boolean> {
    const target = destination.trim().replace(/^\/+|\/+$/g, '');
    if (!target || target === path) return false;
    const ok = await this.actions.run(
      `move:${path}`,
      () => this.api.move(this.clientId, this.agentId, path, target, this.context()),
      `${path} moved to ${target}`,
      `Moving ${path} failed`,
    );
    if (!ok) return false;
    this.forget(path);
    const open = this.file();
    if (open && isWithin(open.path, path)) this.file.set({ ...open, path: target + open.path.slice(path.length) });
    await Promise.all([...new Set([parentOf(path), parentOf(target)])].map((directory) => this.list(directory)));
    return true;
  }

  /** Drops what was read below a path that no longer exists. */
  private forget(path: string): void {
    this.listings.set(
      Object.fromEntries(Object.entries(this.listings()).filter(([directory]) => !isWithin(directory, path))),
    );
    this.expanded.set(new Set([...this.expanded()].filter((directory) => !isWithin(directory, path))));
  }

  private setListing(directory: string, listing: DirectoryListing): void {
    this.listings.update((listings) => ({ ...listings, [directory]: listing }));
  }
}
