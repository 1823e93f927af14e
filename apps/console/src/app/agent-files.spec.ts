import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  decodeBase64Utf8,
  encodeBase64Utf8,
  FileNode,
  FilesStore,
  flattenTree,
  lineDiff,
} from '@agent-controller/console-agents-data-access';

const CLIENT = '11111111-1111-4111-8111-111111111111';
const AGENT = '22222222-2222-4222-8222-222222222222';
const BASE = `/api/clients/${CLIENT}/agents/${AGENT}`;
const settle = () => new Promise((resolve) => setTimeout(resolve));

const dir = (path: string): FileNode => ({ name: path.split('/').pop() ?? path, type: 'directory', path });
const file = (path: string): FileNode => ({ name: path.split('/').pop() ?? path, type: 'file', path, size: 1 });

describe('flattenTree', () => {
  it('shows only open directories, with notes for loading, empty and failed ones', () => {
    const listings = {
      '': { loading: false, error: null, nodes: [dir('src'), dir('docs'), dir('bad'), file('README.md')] },
      src: { loading: false, error: null, nodes: [file('src/index.ts')] },
      docs: { loading: false, error: null, nodes: [] },
      bad: { loading: false, error: 'Path not found', nodes: [] },
    };
    const rows = flattenTree(listings, new Set(['src', 'docs', 'bad']));
    expect(
      rows.map((row) => (row.kind === 'node' ? `${row.depth}:${row.node.path}` : `${row.depth}:${row.text}`)),
    ).toEqual(['0:src', '1:src/index.ts', '0:docs', '1:Empty folder', '0:bad', '1:Path not found', '0:README.md']);
    expect(flattenTree(listings, new Set()).map((row) => row.kind === 'node' && row.expanded)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('text encoding', () => {
  it('round-trips any text through base64 and tells binary content apart', () => {
    const text = 'héllo — 世界 🚀\n';
    expect(decodeBase64Utf8(encodeBase64Utf8(text))).toBe(text);
    expect(decodeBase64Utf8(btoa('\u0000\u00ff\u00fe'))).toBeNull();
  });
});

describe('lineDiff', () => {
  it('marks kept, removed and added lines in order', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
    expect(lineDiff('', '')).toEqual([]);
  });
});

describe('FilesStore', () => {
  async function loaded() {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), FilesStore],
    });
    const store = TestBed.inject(FilesStore);
    const http = TestBed.inject(HttpTestingController);
    const loading = store.load(CLIENT, AGENT);
    expect(store.root().loading).toBe(true);
    http.expectOne(`${BASE}/files`).flush([dir('src'), file('README.md')]);
    await loading;
    return { store, http };
  }

  it('reads a folder the first time it is opened, and not again after closing and reopening it', async () => {
    const { store, http } = await loaded();
    const opening = store.toggle('src');
    expect(store.rows().map((row) => row.kind)).toEqual(['node', 'note', 'node']);
    http.expectOne(`${BASE}/files?path=src`).flush([file('src/index.ts')]);
    await opening;
    expect(store.rows()).toHaveLength(3);
    await store.toggle('src');
    expect(store.rows()).toHaveLength(2);
    await store.toggle('src');
    http.expectNone(`${BASE}/files?path=src`);
    expect(store.rows()).toHaveLength(3);
  });

  it('opens a file, edits it and saves it as base64, then it is no longer dirty', async () => {
    const { store, http } = await loaded();
    const opening = store.open('src/index.ts');
    http.expectOne(`${BASE}/files/src/index.ts`).flush({ content: 'old', encoding: 'utf-8' });
    await opening;
    expect(store.dirty()).toBe(false);
    store.edit('new ✓');
    expect(store.dirty()).toBe(true);

    const saving = store.save();
    const put = http.expectOne({ method: 'PUT', url: `${BASE}/files/src/index.ts` });
    expect(put.request.body).toEqual({ content: encodeBase64Utf8('new ✓'), encoding: 'base64' });
    put.flush(null, { status: 204, statusText: '' });
    expect(await saving).toBe(true);
    expect(store.dirty()).toBe(false);
    expect(store.file()?.saved).toBe('new ✓');
    http.expectOne(`${BASE}/files?path=src`).flush([file('src/index.ts')]);
  });

  it('shows a binary file without editing it', async () => {
    const { store, http } = await loaded();
    const opening = store.open('logo.png');
    http.expectOne(`${BASE}/files/logo.png`).flush({ content: btoa('\u0089PNG\u0000'), encoding: 'base64' });
    await opening;
    expect(store.file()?.binary).toBe(true);
    store.edit('text');
    expect(store.dirty()).toBe(false);
  });

  it('creates a file inside a folder and opens it', async () => {
    const { store, http } = await loaded();
    const creating = store.create('src', 'new.ts', 'file');
    const post = http.expectOne({ method: 'POST', url: `${BASE}/files/src/new.ts` });
    expect(post.request.body).toEqual({ type: 'file', content: '' });
    post.flush(null, { status: 201, statusText: 'Created' });
    await settle();
    http.expectOne(`${BASE}/files?path=src`).flush([file('src/new.ts')]);
    await settle();
    http.expectOne(`${BASE}/files/src/new.ts`).flush({ content: '', encoding: 'utf-8' });
    expect(await creating).toBe(true);
    expect(store.expanded().has('src')).toBe(true);
    expect(store.file()?.path).toBe('src/new.ts');
  });

  it('deletes a folder: closes the file open inside it and forgets what was read below it', async () => {
    const { store, http } = await loaded();
    const opening = store.toggle('src');
    http.expectOne(`${BASE}/files?path=src`).flush([file('src/index.ts')]);
    await opening;
    const reading = store.open('src/index.ts');
    http.expectOne(`${BASE}/files/src/index.ts`).flush({ content: 'x', encoding: 'utf-8' });
    await reading;

    const removing = store.remove('src');
    http.expectOne({ method: 'DELETE', url: `${BASE}/files/src` }).flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/files`).flush([file('README.md')]);
    expect(await removing).toBe(true);
    expect(store.file()).toBeNull();
    expect(store.expanded().has('src')).toBe(false);
    expect(store.actions.notice()).toBe('src deleted');
  });

  it('moves the open file and follows it', async () => {
    const { store, http } = await loaded();
    const reading = store.open('README.md');
    http.expectOne(`${BASE}/files/README.md`).flush({ content: 'x', encoding: 'utf-8' });
    await reading;
    const moving = store.move('README.md', 'docs/README.md');
    const patch = http.expectOne({ method: 'PATCH', url: `${BASE}/files/README.md` });
    expect(patch.request.body).toEqual({ destination: 'docs/README.md' });
    patch.flush(null, { status: 204, statusText: '' });
    await settle();
    http.expectOne(`${BASE}/files`).flush([dir('docs')]);
    http.expectOne(`${BASE}/files?path=docs`).flush([file('docs/README.md')]);
    expect(await moving).toBe(true);
    expect(store.file()?.path).toBe('docs/README.md');
  });

  it('reports a workspace that cannot be listed', async () => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), FilesStore],
    });
    const store = TestBed.inject(FilesStore);
    const http = TestBed.inject(HttpTestingController);
    const loading = store.load(CLIENT, AGENT);
    http
      .expectOne(`${BASE}/files`)
      .flush({ message: 'Agent has no associated container' }, { status: 404, statusText: 'Not Found' });
    await loading;
    expect(store.root().error).toBe('Agent has no associated container');
    expect(store.rows()).toEqual([]);
  });
});

describe('FilesStore configuration context', () => {
  it('switches to the configuration files and reads and writes them with context=config', async () => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting(), FilesStore],
    });
    const store = TestBed.inject(FilesStore);
    const http = TestBed.inject(HttpTestingController);
    const loading = store.load(CLIENT, AGENT);
    http.expectOne(`${BASE}/files`).flush([file('README.md')]);
    await loading;

    const switching = store.switchContext('config');
    expect(store.context()).toBe('config');
    http.expectOne(`${BASE}/files?context=config`).flush([file('settings.json')]);
    await switching;
    expect(store.rows().map((row) => (row.kind === 'node' ? row.node.path : row.id))).toEqual(['settings.json']);

    const opening = store.open('settings.json');
    http.expectOne(`${BASE}/files/settings.json?context=config`).flush({ content: '{}', encoding: 'utf-8' });
    await opening;
    store.edit('{"theme":"light"}');
    const saving = store.save();
    const put = http.expectOne({ method: 'PUT', url: `${BASE}/files/settings.json?context=config` });
    put.flush(null, { status: 204, statusText: '' });
    expect(await saving).toBe(true);
    http.expectOne(`${BASE}/files?context=config`).flush([file('settings.json')]);

    const back = store.switchContext('app');
    expect(store.file()).toBeNull();
    http.expectOne(`${BASE}/files`).flush([file('README.md')]);
    await back;
  });
});
