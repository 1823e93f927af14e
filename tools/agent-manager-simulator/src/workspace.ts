import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';

import { badRequest, notFound } from './http-errors';

/** `context` of the files endpoints: the agent's workspace (`app`) or its configuration directory. */
export type FileContext = 'app' | 'config';

export interface FileNodeDto {
  name: string;
  type: 'file' | 'directory';
  path: string;
  size?: number;
  modifiedAt?: string;
}

interface StoredFile {
  content: Buffer;
  modifiedAt: Date;
}

type Snapshot = Map<string, Buffer>;

interface BranchRecord {
  commit: string;
  message: string;
  /** Committed tree of the branch. */
  tree: Snapshot;
}

export type VcsFileType = 'staged' | 'unstaged' | 'untracked' | 'both';

const DEFAULT_APP_FILES: Record<string, string> = {
  'README.md': '# Simulated agent workspace\n\nFiles served by the agent-manager simulator.\n',
  'src/index.ts': "export const greeting = 'hello from the simulator';\n",
  'package.json': '{\n  "name": "simulated-workspace",\n  "version": "0.0.0"\n}\n',
};
const DEFAULT_CONFIG_FILES: Record<string, string> = {
  'settings.json': '{\n  "theme": "dark"\n}\n',
};

function sha(): string {
  return randomBytes(20).toString('hex');
}

function cloneSnapshot(snapshot: Snapshot): Snapshot {
  return new Map(snapshot);
}

function sameContent(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.equals(b);
}

/** Normalizes a client path to `a/b/c` (no leading slash); `''` is the root. Escaping the root → 400. */
export function normalizePath(raw: string | undefined): string {
  if (raw === undefined || raw === '' || raw === '.' || raw === '/') return '';
  const normalized = posix.normalize(`/${raw}`);
  if (raw.split(/[\\/]/).includes('..')) {
    throw badRequest(`Invalid path: ${raw}`);
  }
  return normalized.replace(/^\/+/, '').replace(/\/+$/, '');
}

function isBinary(content: Buffer): boolean {
  return content.includes(0) || content.toString('utf8').includes('\uFFFD');
}

/**
 * One agent's simulated container filesystem (two contexts) and a small git-like model of the `app`
 * context: branches with committed trees, an index, the working tree, ahead/behind counts against `origin`.
 */
export class Workspace {
  private readonly files: Record<FileContext, Map<string, StoredFile>> = { app: new Map(), config: new Map() };
  /** Directories created explicitly (parents of files are implicit). */
  private readonly dirs: Record<FileContext, Set<string>> = { app: new Set(), config: new Set() };
  private readonly branches = new Map<string, BranchRecord>();
  private readonly remote = new Map<string, { commit: string; message: string; tree: Snapshot }>();
  private readonly unpushed = new Map<string, number>();
  private index: Snapshot = new Map();
  currentBranch = 'main';

  constructor() {
    const now = new Date();
    for (const [path, text] of Object.entries(DEFAULT_APP_FILES)) {
      this.files.app.set(path, { content: Buffer.from(text), modifiedAt: now });
    }
    for (const [path, text] of Object.entries(DEFAULT_CONFIG_FILES)) {
      this.files.config.set(path, { content: Buffer.from(text), modifiedAt: now });
    }
    const tree = this.workingTree();
    const commit = sha();
    this.branches.set('main', { commit, message: 'Initial commit', tree });
    this.remote.set('main', { commit, message: 'Initial commit', tree: cloneSnapshot(tree) });
    this.index = cloneSnapshot(tree);
  }

  // ---- files

  private isDirectory(context: FileContext, path: string): boolean {
    if (path === '') return true;
    if (this.dirs[context].has(path)) return true;
    const prefix = `${path}/`;
    for (const file of this.files[context].keys()) if (file.startsWith(prefix)) return true;
    for (const dir of this.dirs[context]) if (dir.startsWith(prefix)) return true;
    return false;
  }

  private exists(context: FileContext, path: string): boolean {
    return this.files[context].has(path) || this.isDirectory(context, path);
  }

  list(context: FileContext, rawPath: string | undefined): FileNodeDto[] {
    const path = normalizePath(rawPath);
    if (this.files[context].has(path)) {
      throw badRequest(`Path is not a directory: ${path}`);
    }
    if (!this.isDirectory(context, path)) {
      throw notFound(`Path not found: ${path}`);
    }
    const prefix = path === '' ? '' : `${path}/`;
    const nodes = new Map<string, FileNodeDto>();
    const childName = (full: string): string | undefined =>
      full.startsWith(prefix) && full.length > prefix.length ? full.slice(prefix.length).split('/')[0] : undefined;
    for (const [full, file] of this.files[context]) {
      const name = childName(full);
      if (name === undefined) continue;
      const childPath = `${prefix}${name}`;
      if (childPath === full) {
        nodes.set(name, {
          name,
          type: 'file',
          path: childPath,
          size: file.content.length,
          modifiedAt: file.modifiedAt.toISOString(),
        });
      } else if (!nodes.has(name)) {
        nodes.set(name, { name, type: 'directory', path: childPath });
      }
    }
    for (const dir of this.dirs[context]) {
      const name = childName(dir);
      if (name !== undefined && !nodes.has(name))
        nodes.set(name, { name, type: 'directory', path: `${prefix}${name}` });
    }
    return [...nodes.values()].sort((a, b) =>
      a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1,
    );
  }

  read(context: FileContext, rawPath: string): { content: string; encoding: 'utf-8' | 'base64' } {
    const path = normalizePath(rawPath);
    const file = this.files[context].get(path);
    if (!file) {
      if (this.isDirectory(context, path)) throw badRequest(`Path is a directory: ${path}`);
      throw notFound(`File not found: ${path}`);
    }
    return isBinary(file.content)
      ? { content: file.content.toString('base64'), encoding: 'base64' }
      : { content: file.content.toString('utf8'), encoding: 'utf-8' };
  }

  write(context: FileContext, rawPath: string, content: Buffer): void {
    const path = normalizePath(rawPath);
    if (path === '' || this.isDirectory(context, path)) throw badRequest(`Path is a directory: ${path}`);
    this.files[context].set(path, { content, modifiedAt: new Date() });
  }

  create(context: FileContext, rawPath: string, type: 'file' | 'directory', content: Buffer | undefined): void {
    const path = normalizePath(rawPath);
    if (path === '') throw badRequest('Path is required');
    if (this.exists(context, path)) throw badRequest(`File or directory already exists: ${path}`);
    if (type === 'directory') this.dirs[context].add(path);
    else this.files[context].set(path, { content: content ?? Buffer.alloc(0), modifiedAt: new Date() });
  }

  remove(context: FileContext, rawPath: string): void {
    const path = normalizePath(rawPath);
    if (path === '') throw badRequest('Cannot delete the workspace root');
    if (!this.exists(context, path)) throw notFound(`File not found: ${path}`);
    const prefix = `${path}/`;
    this.files[context].delete(path);
    this.dirs[context].delete(path);
    for (const key of [...this.files[context].keys()]) if (key.startsWith(prefix)) this.files[context].delete(key);
    for (const key of [...this.dirs[context]]) if (key.startsWith(prefix)) this.dirs[context].delete(key);
  }

  move(context: FileContext, rawPath: string, rawDestination: string): void {
    const from = normalizePath(rawPath);
    const to = normalizePath(rawDestination);
    if (from === '' || to === '') throw badRequest('Cannot move the workspace root');
    if (!this.exists(context, from)) throw notFound(`File not found: ${from}`);
    if (this.exists(context, to)) throw badRequest(`Destination already exists: ${to}`);
    if (to.startsWith(`${from}/`)) throw badRequest('Cannot move a directory into itself');
    const rename = (key: string): string => (key === from ? to : `${to}${key.slice(from.length)}`);
    const inside = (key: string): boolean => key === from || key.startsWith(`${from}/`);
    for (const [key, file] of [...this.files[context]]) {
      if (inside(key)) {
        this.files[context].delete(key);
        this.files[context].set(rename(key), file);
      }
    }
    for (const key of [...this.dirs[context]]) {
      if (inside(key)) {
        this.dirs[context].delete(key);
        this.dirs[context].add(rename(key));
      }
    }
  }

  // ---- vcs

  private workingTree(): Snapshot {
    const tree: Snapshot = new Map();
    for (const [path, file] of this.files.app) tree.set(path, file.content);
    return tree;
  }

  private head(): BranchRecord {
    const branch = this.branches.get(this.currentBranch);
    if (!branch) throw new Error(`current branch ${this.currentBranch} missing`);
    return branch;
  }

  private checkout(tree: Snapshot): void {
    const now = new Date();
    this.files.app.clear();
    for (const [path, content] of tree) this.files.app.set(path, { content, modifiedAt: now });
    this.index = cloneSnapshot(tree);
  }

  private counts(name: string): { aheadCount: number; behindCount: number } {
    return { aheadCount: this.unpushed.get(name) ?? 0, behindCount: 0 };
  }

  status(): Record<string, unknown> {
    const head = this.head().tree;
    const work = this.workingTree();
    const paths = [...new Set([...head.keys(), ...this.index.keys(), ...work.keys()])].sort();
    const files: Record<string, unknown>[] = [];
    for (const path of paths) {
      const h = head.get(path);
      const i = this.index.get(path);
      const w = work.get(path);
      const staged = !sameContent(h, i);
      const unstaged = !sameContent(i, w);
      if (!staged && !unstaged) continue;
      let type: VcsFileType;
      let status: string;
      if (h === undefined && i === undefined) {
        type = 'untracked';
        status = '??';
      } else {
        type = staged && unstaged ? 'both' : staged ? 'staged' : 'unstaged';
        const letter = (a: Buffer | undefined, b: Buffer | undefined, changed: boolean): string =>
          !changed ? ' ' : a === undefined ? 'A' : b === undefined ? 'D' : 'M';
        status = `${letter(h, i, staged)}${letter(i, w, unstaged)}`;
      }
      const content = w ?? i ?? h;
      files.push({ path, status, type, isBinary: content ? isBinary(content) : false, size: w?.length ?? 0 });
    }
    const { aheadCount, behindCount } = this.counts(this.currentBranch);
    return {
      currentBranch: this.currentBranch,
      isClean: files.length === 0,
      hasUnpushedCommits: aheadCount > 0,
      aheadCount,
      behindCount,
      files,
    };
  }

  listBranches(): Record<string, unknown>[] {
    const local = [...this.branches.entries()].map(([name, branch]) => ({
      name,
      ref: `refs/heads/${name}`,
      isCurrent: name === this.currentBranch,
      isRemote: false,
      commit: branch.commit,
      message: branch.message,
      ...this.counts(name),
    }));
    const remote = [...this.remote.entries()].map(([name, branch]) => ({
      name: `origin/${name}`,
      ref: `refs/remotes/origin/${name}`,
      isCurrent: false,
      isRemote: true,
      remote: 'origin',
      commit: branch.commit,
      message: branch.message,
    }));
    return [...local, ...remote];
  }

  diff(rawPath: string): Record<string, unknown> {
    const path = normalizePath(rawPath);
    if (path === '') throw badRequest('path is required');
    const original = this.head().tree.get(path);
    const modified = this.workingTree().get(path);
    if (original === undefined && modified === undefined) throw notFound(`File not found: ${path}`);
    const binary = (original && isBinary(original)) || (modified && isBinary(modified)) || false;
    const encode = (content: Buffer | undefined): string =>
      content === undefined ? '' : content.toString(binary ? 'base64' : 'utf8');
    return {
      path,
      originalContent: encode(original),
      modifiedContent: encode(modified),
      encoding: binary ? 'base64' : 'utf-8',
      isBinary: binary,
      originalSize: original?.length ?? 0,
      modifiedSize: modified?.length ?? 0,
    };
  }

  private selected(files: string[] | undefined, candidates: Iterable<string>): string[] {
    return files === undefined ? [...new Set(candidates)] : files.map((file) => normalizePath(file));
  }

  stage(files: string[] | undefined): void {
    const work = this.workingTree();
    for (const path of this.selected(files, [...work.keys(), ...this.index.keys()])) {
      const content = work.get(path);
      if (content === undefined) this.index.delete(path);
      else this.index.set(path, content);
    }
  }

  unstage(files: string[] | undefined): void {
    const head = this.head().tree;
    for (const path of this.selected(files, [...head.keys(), ...this.index.keys()])) {
      const content = head.get(path);
      if (content === undefined) this.index.delete(path);
      else this.index.set(path, content);
    }
  }

  commit(message: string): void {
    const branch = this.head();
    const head = branch.tree;
    const changed =
      head.size !== this.index.size || [...this.index].some(([path, content]) => !sameContent(head.get(path), content));
    if (!changed) throw badRequest('Nothing to commit');
    this.branches.set(this.currentBranch, { commit: sha(), message, tree: cloneSnapshot(this.index) });
    this.unpushed.set(this.currentBranch, (this.unpushed.get(this.currentBranch) ?? 0) + 1);
  }

  push(): void {
    const branch = this.head();
    this.remote.set(this.currentBranch, {
      commit: branch.commit,
      message: branch.message,
      tree: cloneSnapshot(branch.tree),
    });
    this.unpushed.set(this.currentBranch, 0);
  }

  private isClean(): boolean {
    return (this.status()['files'] as unknown[]).length === 0;
  }

  createBranch(name: string, baseBranch: string | undefined): string {
    if (this.branches.has(name)) throw badRequest(`Branch ${name} already exists`);
    const base = this.branches.get(baseBranch ?? this.currentBranch);
    if (!base) throw notFound(`Branch ${baseBranch ?? ''} not found`);
    this.branches.set(name, { commit: base.commit, message: base.message, tree: cloneSnapshot(base.tree) });
    this.unpushed.set(name, 0);
    return name;
  }

  switchBranch(name: string): void {
    const target = this.branches.get(name);
    if (!target) throw notFound(`Branch ${name} not found`);
    if (name === this.currentBranch) return;
    if (!this.isClean()) throw badRequest('Working tree has uncommitted changes');
    this.currentBranch = name;
    this.checkout(target.tree);
  }

  deleteBranch(name: string): void {
    if (!this.branches.has(name)) throw notFound(`Branch ${name} not found`);
    if (name === this.currentBranch) throw badRequest(`Cannot delete the current branch ${name}`);
    this.branches.delete(name);
    this.unpushed.delete(name);
  }

  rebase(onto: string): void {
    if (!this.branches.has(onto) && !this.remote.has(onto.replace(/^origin\//, ''))) {
      throw notFound(`Branch ${onto} not found`);
    }
  }

  prepareClean(baseBranch: string): void {
    const name = baseBranch.replace(/^origin\//, '');
    const target = this.branches.get(name) ?? this.remote.get(name);
    if (!target) throw notFound(`Branch ${baseBranch} not found`);
    if (!this.branches.has(name)) {
      this.branches.set(name, { commit: target.commit, message: target.message, tree: cloneSnapshot(target.tree) });
    }
    this.currentBranch = name;
    this.checkout(this.head().tree);
  }
}
