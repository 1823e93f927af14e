import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, Type } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { FormControl, FormGroup } from '@angular/forms';
import { SessionStore } from '@agent-controller/console-core';
import type { Client, Principal, Team } from '@agent-controller/shared-contracts';

const ID = '11111111-1111-4111-8111-111111111111';
const CLIENT = { id: ID, name: 'Build farm', health: { state: 'healthy' } } as Client;
const HEALTHY = { state: 'healthy', reason: null, latencyMs: 12, checkedAt: null, lastSeenAt: null };

function open<T>(component: Type<T>, data: unknown, before?: () => void) {
  const close = vi.fn();
  TestBed.configureTestingModule({
    imports: [component],
    providers: [
      provideZonelessChangeDetection(),
      provideNoopAnimations(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: { close } },
    ],
  });
  before?.();
  const fixture: ComponentFixture<T> = TestBed.createComponent(component);
  const element = fixture.nativeElement as HTMLElement;
  return { fixture, element, close, http: TestBed.inject(HttpTestingController) };
}

/** Lets promise chains that started outside Angular's pending tasks finish, then renders. */
async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve));
  await fixture.whenStable();
}

function type(element: HTMLElement, selector: string, value: string): void {
  const input = element.querySelector<HTMLInputElement>(selector);
  if (!input) throw new Error(`no ${selector}`);
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

function button(element: HTMLElement, label: string): HTMLButtonElement {
  const found = Array.from(element.querySelectorAll('button')).find(
    (candidate) => candidate.textContent?.trim() === label,
  );
  if (!found) throw new Error(`no button ${label}`);
  return found;
}

// The feature library is lazy-loaded by the routes, so specs load it the same way.
const feature = () => import('@agent-controller/console-clients-feature');

describe('RotateKeyDialog', () => {
  let RotateKeyDialog: Awaited<ReturnType<typeof feature>>['RotateKeyDialog'];

  // The first import compiles the whole feature library, which takes longer than a hook's 10 s on a busy machine.
  beforeAll(async () => {
    ({ RotateKeyDialog } = await feature());
  }, 60_000);

  it('says the key must already be the remote’s, and sends nothing without one', async () => {
    const { fixture, element, http } = open(RotateKeyDialog, CLIENT);
    await fixture.whenStable();

    expect(element.textContent).toContain("The key must already be the remote's");
    expect(element.textContent).toContain('If the remote refuses it, the current key stays');
    expect(element.textContent).toContain('Store the key even if the remote refuses it');
    button(element, 'Check and store').click();
    await fixture.whenStable();
    expect(element.querySelector('mat-error')?.textContent).toContain('Required');
    type(element, 'input[type=password]', 'key with spaces');
    await fixture.whenStable();
    expect(element.querySelector('mat-error')?.textContent).toContain('Visible ASCII only');
    button(element, 'Check and store').click();
    http.verify();
  });

  it('sends the typed key unforced, shows what the remote said, and closes with the client on Done', async () => {
    const { fixture, element, close, http } = open(RotateKeyDialog, CLIENT);
    await fixture.whenStable();
    type(element, 'input[type=password]', 'the-remotes-new-key');
    await fixture.whenStable();
    expect(element.textContent).not.toContain('flagged as weak');
    button(element, 'Check and store').click();

    const request = http.expectOne(`/api/clients/${ID}/rotate-key`);
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ apiKey: 'the-remotes-new-key', force: false });
    const stored = { ...CLIENT, status: 'active', weakApiKey: false, health: { ...HEALTHY } };
    request.flush({ ...stored, apiKey: 'the-remotes-new-key' });
    await settle(fixture);

    expect(close).not.toHaveBeenCalled();
    expect(element.querySelector('[role=status]')?.textContent).toContain(
      'The remote accepted the new key (healthy, 12 ms)',
    );
    expect(element.textContent).not.toContain('Weak key');
    button(element, 'Done').click();
    expect(close).toHaveBeenCalledWith(stored);
  });

  it('flags a short key while typed and once stored, without refusing it', async () => {
    const { fixture, element, http } = open(RotateKeyDialog, CLIENT);
    await fixture.whenStable();
    type(element, 'input[type=password]', 'short-key');
    await fixture.whenStable();
    expect(element.textContent).toContain('Shorter than 16 characters: stored, but flagged as weak');
    button(element, 'Check and store').click();
    http
      .expectOne(`/api/clients/${ID}/rotate-key`)
      .flush({ ...CLIENT, status: 'active', weakApiKey: true, health: { ...HEALTHY } });
    await settle(fixture);

    expect(element.textContent).toContain('The remote accepted the new key');
    expect(element.textContent).toContain('Weak key');
  });

  it('stays open and says what the remote answered when it refuses the key; ticking force sends force', async () => {
    const { fixture, element, close, http } = open(RotateKeyDialog, CLIENT);
    await fixture.whenStable();
    type(element, 'input[type=password]', 'a-wrong-key');
    await fixture.whenStable();
    button(element, 'Check and store').click();
    http.expectOne(`/api/clients/${ID}/rotate-key`).flush(
      {
        statusCode: 409,
        code: 'KEY_NOT_ACCEPTED',
        message: 'The remote refused the new key',
        details: { remote: { state: 'auth_failed', reason: 'HTTP 401: Invalid API key', status: 401 } },
        requestId: 'r1',
      },
      { status: 409, statusText: 'Conflict' },
    );
    await settle(fixture);

    expect(close).not.toHaveBeenCalled();
    expect(element.querySelector('[role=alert]')?.textContent).toContain(
      'The remote refused the new key (auth_failed: HTTP 401: Invalid API key). The current key is kept',
    );

    element.querySelector<HTMLInputElement>('input[type=checkbox]')?.click();
    await fixture.whenStable();
    expect(element.textContent).toContain('The client then shows auth_failed until the remote has this key');
    button(element, 'Check and store').click();
    const forced = http.expectOne(`/api/clients/${ID}/rotate-key`);
    expect(forced.request.body).toEqual({ apiKey: 'a-wrong-key', force: true });
    const refused = { state: 'auth_failed', reason: 'HTTP 401: Invalid API key', latencyMs: 3 };
    forced.flush({ ...CLIENT, status: 'active', weakApiKey: false, health: refused });
    await settle(fixture);
    expect(element.querySelector('[role=status]')?.textContent).toContain(
      'Stored although the remote did not accept it (auth_failed: HTTP 401: Invalid API key, 3 ms)',
    );
    button(element, 'Done').click();
    expect(close).toHaveBeenCalledWith(expect.objectContaining({ health: refused }));
  });
});

describe('DeleteClientDialog', () => {
  let DeleteClientDialog: Awaited<ReturnType<typeof feature>>['DeleteClientDialog'];
  const INFO = `/api/clients/${ID}/provisioning/info`;

  beforeAll(async () => {
    ({ DeleteClientDialog } = await feature());
  });

  async function openAndLookUp(info: 'none' | 'server') {
    const opened = open(DeleteClientDialog, CLIENT);
    opened.fixture.detectChanges();
    const lookup = opened.http.expectOne(INFO);
    if (info === 'none') lookup.flush({ code: 'NOT_FOUND' }, { status: 404, statusText: 'Not Found' });
    else
      lookup.flush({
        clientId: ID,
        jobId: 'job-1',
        providerType: 'hetzner',
        serverId: '4711',
        serverName: 'agent-manager-11111111',
        serverType: 'cx23',
        location: 'fsn1',
        ipv4: '203.0.113.7',
        provisionedAt: '2026-11-01T00:00:00.000Z',
      });
    await settle(opened.fixture);
    return opened;
  }

  it('deletes a client without a server after a plain confirmation', async () => {
    const { fixture, element, close, http } = await openAndLookUp('none');

    expect(element.textContent).toContain('Delete the client "Build farm"? This cannot be undone.');
    expect(element.querySelectorAll('mat-radio-button')).toHaveLength(0);
    button(element, 'Delete').click();
    const request = http.expectOne(`/api/clients/${ID}`);
    expect(request.request.method).toBe('DELETE');
    expect(request.request.params.has('server')).toBe(false);
    request.flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);

    expect(close).toHaveBeenCalledWith(true);
  });

  it('names the server and waits for a choice before deleting', async () => {
    const { element, http } = await openAndLookUp('server');

    expect(element.textContent).toContain('runs on the cloud server agent-manager-11111111 (hetzner, id 4711)');
    expect(element.textContent).toContain('Delete the server too');
    expect(element.textContent).toContain('Keep the server running');
    expect(element.textContent).toContain('Orphaned servers');
    expect(button(element, 'Delete').disabled).toBe(true);
    http.verify();
  });

  it.each([
    ['delete', 'Delete the server too', 'Delete client and server'],
    ['keep', 'Keep the server running', 'Delete client, keep server'],
  ])('sends server=%s for the chosen way out', async (choice, option, confirm) => {
    const { fixture, element, close, http } = await openAndLookUp('server');
    const radio = Array.from(element.querySelectorAll('mat-radio-button')).find((candidate) =>
      candidate.textContent?.includes(option),
    );
    radio?.querySelector<HTMLInputElement>('input')?.click();
    await settle(fixture);

    button(element, confirm).click();
    const request = http.expectOne((candidate) => candidate.url === `/api/clients/${ID}`);
    expect(request.request.method).toBe('DELETE');
    expect(request.request.params.get('server')).toBe(choice);
    request.flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(close).toHaveBeenCalledWith(true);
  });

  it('asks for the choice when the controller reports a server the lookup did not show', async () => {
    const { fixture, element, close, http } = await openAndLookUp('none');
    button(element, 'Delete').click();
    http.expectOne(`/api/clients/${ID}`).flush(
      {
        statusCode: 409,
        code: 'CLIENT_HAS_SERVER',
        message: 'runs on a server',
        details: { server: { providerType: 'digital-ocean', serverId: '99', serverName: 'agent-manager-late' } },
        requestId: 'r2',
      },
      { status: 409, statusText: 'Conflict' },
    );
    await settle(fixture);

    expect(close).not.toHaveBeenCalled();
    expect(element.textContent).toContain('runs on the cloud server agent-manager-late');
    expect(element.querySelector('[role=alert]')?.textContent).toContain('choose what happens to it');
    expect(button(element, 'Delete').disabled).toBe(true);
  });
});

describe('BulkDialog', () => {
  let BulkDialog: Awaited<ReturnType<typeof feature>>['BulkDialog'];
  const OTHER = { id: '22222222-2222-4222-8222-222222222222', name: 'Spare farm' };

  beforeAll(async () => {
    ({ BulkDialog } = await feature());
  });

  async function preview(action: 'delete' | 'deactivate' | 'verify') {
    const opened = open(BulkDialog, { action, clients: [{ id: ID, name: 'Build farm' }, OTHER] });
    opened.fixture.detectChanges();
    const request = opened.http.expectOne('/api/clients/bulk');
    expect(request.request.body).toEqual({ action, ids: [ID, OTHER.id], dryRun: true });
    request.flush({
      dryRun: true,
      results: [
        { id: ID, result: 'ok' },
        { id: OTHER.id, result: 'forbidden', message: 'Not yours' },
      ],
    });
    await settle(opened.fixture);
    return opened;
  }

  it('styles bulk delete as destructive, like a single delete, and other actions not', async () => {
    const deleting = await preview('delete');
    expect(deleting.element.textContent).toContain('Build farm: would be deleted');
    expect(deleting.element.textContent).toContain('Spare farm: forbidden — Not yours');
    expect(button(deleting.element, 'Delete').classList).toContain('danger');
    TestBed.resetTestingModule();
    const deactivating = await preview('deactivate');
    expect(button(deactivating.element, 'Deactivate').classList).not.toContain('danger');
  });

  it("previews a delete's choice for cloud servers at once, and runs it with that choice", async () => {
    const { fixture, element, http } = await preview('delete');
    const choice = (fixture.componentInstance as unknown as { server: FormControl<string | null> }).server;
    choice.setValue('delete');
    const again = http.expectOne('/api/clients/bulk');
    expect(again.request.body).toEqual({ action: 'delete', ids: [ID, OTHER.id], server: 'delete', dryRun: true });
    again.flush({
      action: 'delete',
      dryRun: true,
      results: [
        { id: ID, result: 'ok', message: 'would delete, and its cloud server prov-1 (hetzner 42)' },
        { id: OTHER.id, result: 'ok', message: 'would delete' },
      ],
    });
    await settle(fixture);
    const text = element.textContent?.replace(/\s+/g, ' ');
    expect(text).toContain('Build farm: would be deleted — would delete, and its cloud server prov-1 (hetzner 42)');
    expect(text).toContain('Spare farm: would be deleted');
    expect(text).not.toContain('Spare farm: would be deleted — would delete');
    button(element, 'Delete').click();
    const run = http.expectOne('/api/clients/bulk');
    expect(run.request.body).toEqual({ action: 'delete', ids: [ID, OTHER.id], server: 'delete', dryRun: false });
  });

  it('verifies in bulk after the preview and shows what each remote answered', async () => {
    const { fixture, element, http } = await preview('verify');
    expect(element.textContent).toContain('Build farm: would be verified');
    button(element, 'Verify').click();
    const run = http.expectOne('/api/clients/bulk');
    expect(run.request.body).toEqual({ action: 'verify', ids: [ID, OTHER.id], dryRun: false });
    run.flush({
      action: 'verify',
      dryRun: false,
      results: [
        {
          id: ID,
          result: 'ok',
          health: {
            state: 'unreachable',
            reason: 'connection refused',
            checkedAt: null,
            lastSeenAt: null,
            latencyMs: 12,
          },
        },
      ],
    });
    await settle(fixture);
    const text = element.textContent?.replace(/\s+/g, ' ');
    expect(text).toContain('Build farm: verified — unreachable 12 ms connection refused');
    expect(element.querySelector('.badge.unreachable')).not.toBeNull();
  });
});

describe('ClientFormDialog: environment and labels', () => {
  let ClientFormDialog: Awaited<ReturnType<typeof feature>>['ClientFormDialog'];
  const SAVED = {
    ...CLIENT,
    description: null,
    endpoint: 'https://agents.example.com',
    authenticationType: 'api_key',
    agentWsPort: 8080,
    keycloakClientId: null,
    keycloakRealm: null,
    keycloakAuthServerUrl: null,
    environment: 'staging',
    labels: { region: 'eu' },
  } as Client;

  beforeAll(async () => {
    ({ ClientFormDialog } = await feature());
  });

  function labelInputs(element: HTMLElement): HTMLInputElement[] {
    return Array.from(element.querySelectorAll<HTMLInputElement>('.label-row input'));
  }

  /** Adds a label row and types into it (it becomes the second row after the saved `region`). */
  async function addLabel(fixture: ComponentFixture<unknown>, element: HTMLElement, key: string, value: string) {
    button(element, 'Add a label').click();
    await fixture.whenStable();
    type(element, '.label-row:nth-of-type(2) input[formcontrolname=key]', key);
    type(element, '.label-row:nth-of-type(2) input[formcontrolname=value]', value);
  }

  it('shows the saved labels as rows and refuses a bad key beside it before sending anything', async () => {
    const { fixture, element, http } = open(ClientFormDialog, SAVED);
    await fixture.whenStable();
    expect(labelInputs(element).map((input) => input.value)).toEqual(['region', 'eu']);
    expect(element.querySelector('mat-select')?.textContent).toContain('staging');

    await addLabel(fixture, element, 'bad key!', 'x');
    button(element, 'Save').click();
    await fixture.whenStable();
    expect(element.querySelector('.label-row:nth-of-type(2) mat-error')?.textContent).toContain(
      'Invalid key: the name must be letters, digits',
    );

    type(element, '.label-row:nth-of-type(2) input[formcontrolname=key]', 'region');
    await fixture.whenStable();
    button(element, 'Save').click();
    await fixture.whenStable();
    expect(element.textContent).toContain('The key region is used twice');
    http.verify();
  });

  it('sends the changed labels and shows the API refusal of one beside its row', async () => {
    const { fixture, element, http } = open(ClientFormDialog, SAVED);
    await fixture.whenStable();
    await addLabel(fixture, element, 'tier', 'gold');
    button(element, 'Save').click();

    const request = http.expectOne(`/api/clients/${ID}`);
    expect(request.request.body).toEqual({ labels: { region: 'eu', tier: 'gold' } });
    request.flush(
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid request',
        details: { fields: [{ location: 'body', field: 'labels.tier', message: 'not allowed here' }] },
        requestId: 'r1',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(element.querySelector('.label-row:nth-of-type(2) mat-error')?.textContent).toContain('not allowed here');
    expect(element.querySelector('[role=alert]')).toBeNull();
  });

  it('removes a label row, which sends the remaining labels', async () => {
    const { fixture, element, http } = open(ClientFormDialog, SAVED);
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[aria-label="Remove label region"]')?.click();
    await fixture.whenStable();
    expect(element.textContent).toContain('No labels.');
    button(element, 'Save').click();
    expect(http.expectOne(`/api/clients/${ID}`).request.body).toEqual({ labels: {} });
  });
});

describe('BulkDialog: environment and labels, by ids or by the list’s filters', () => {
  let BulkDialog: Awaited<ReturnType<typeof feature>>['BulkDialog'];
  const OTHER = { id: '22222222-2222-4222-8222-222222222222', name: 'Spare farm' };

  beforeAll(async () => {
    ({ BulkDialog } = await feature());
  });

  it('sends the filters instead of ids for every matching client, previews, then sets the environment', async () => {
    const matching = { filters: { selector: 'tier=gold', environment: 'production' }, total: 1200 };
    const { fixture, element, http, close } = open(BulkDialog, {
      action: 'set_environment',
      clients: [{ id: ID, name: 'Build farm' }],
      matching,
    });
    await fixture.whenStable();
    expect(element.querySelector('h2')?.textContent).toContain('Set the environment of 1200 clients');
    http.verify();

    button(element, 'Preview').click();
    const preview = http.expectOne('/api/clients/bulk');
    expect(preview.request.body).toEqual({
      action: 'set_environment',
      selector: 'tier=gold',
      environment: 'production',
      targetEnvironment: 'production',
      dryRun: true,
    });
    preview.flush({
      action: 'set_environment',
      dryRun: true,
      results: [
        { id: ID, result: 'ok' },
        { id: OTHER.id, result: 'ok' },
      ],
    });
    await settle(fixture);
    expect(element.textContent).toContain('Build farm: would be moved');
    expect(element.textContent).toContain(`${OTHER.id}: would be moved`);

    button(element, 'Set environment').click();
    const run = http.expectOne('/api/clients/bulk');
    expect(run.request.body).toMatchObject({ selector: 'tier=gold', dryRun: false });
    expect(run.request.body).not.toHaveProperty('ids');
    run.flush({ action: 'set_environment', dryRun: false, results: [{ id: ID, result: 'ok' }] });
    await settle(fixture);
    button(element, 'Close').click();
    expect(close).toHaveBeenCalled();
  });

  it('adds the labels typed for the selected clients, checked before sending', async () => {
    const { fixture, element, http } = open(BulkDialog, {
      action: 'add_labels',
      clients: [{ id: ID, name: 'Build farm' }, OTHER],
    });
    await fixture.whenStable();
    type(element, '.label-row input[formcontrolname=key]', 'bad key');
    button(element, 'Preview').click();
    await fixture.whenStable();
    expect(element.querySelector('.label-row mat-error')?.textContent).toContain('Invalid key');
    http.verify();

    type(element, '.label-row input[formcontrolname=key]', 'tier');
    type(element, '.label-row input[formcontrolname=value]', 'gold');
    button(element, 'Preview').click();
    expect(http.expectOne('/api/clients/bulk').request.body).toEqual({
      action: 'add_labels',
      ids: [ID, OTHER.id],
      labels: { tier: 'gold' },
      dryRun: true,
    });
  });

  it('removes the label keys listed, and shows the API refusal of them beside the field', async () => {
    const { fixture, element, http } = open(BulkDialog, {
      action: 'remove_labels',
      clients: [{ id: ID, name: 'Build farm' }],
    });
    await fixture.whenStable();
    type(element, 'input[formcontrolname], input', 'tier, deprecated, tier');
    button(element, 'Preview').click();
    const preview = http.expectOne('/api/clients/bulk');
    expect(preview.request.body).toEqual({
      action: 'remove_labels',
      ids: [ID],
      labelKeys: ['tier', 'deprecated'],
      dryRun: true,
    });
    preview.flush(
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid request',
        details: { fields: [{ location: 'body', field: 'labelKeys', message: 'too many keys' }] },
        requestId: 'r1',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(element.querySelector('mat-error')?.textContent).toContain('too many keys');
    expect(button(element, 'Remove labels').disabled).toBe(true);
  });
});

describe('ClientFormDialog: team', () => {
  let ClientFormDialog: Awaited<ReturnType<typeof feature>>['ClientFormDialog'];
  const TEAM = {
    id: '22222222-2222-4222-8222-222222222222',
    name: 'Build',
    description: null,
    myRole: 'admin',
    clientCount: 0,
    memberCount: 1,
    defaults: { agentWsPort: 9000, keycloakRealm: 'builds', keycloakAuthServerUrl: null, labels: { tier: 'gold' } },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  } as Team;
  const WATCHED = { ...TEAM, id: '33333333-3333-4333-8333-333333333333', name: 'Watched', myRole: 'member' } as Team;

  beforeAll(async () => {
    ({ ClientFormDialog } = await feature());
  });

  function signedInUser() {
    TestBed.inject(SessionStore).principal.set({ kind: 'user', isGlobalAdmin: false } as Principal);
  }

  it("offers the teams I administer and takes the chosen team's defaults for a new client", async () => {
    const { fixture, element, http } = open(ClientFormDialog, null, signedInUser);
    await fixture.whenStable();
    http.expectOne('/api/teams').flush([TEAM, WATCHED]);
    await settle(fixture);
    const form = (fixture.componentInstance as unknown as { form: FormGroup }).form;
    form.controls['teamId'].setValue(TEAM.id);
    await fixture.whenStable();
    expect(element.querySelector<HTMLInputElement>('input[formcontrolname=agentWsPort]')?.value).toBe('9000');
    expect(element.textContent).toContain("The team's labels are added: tier=gold");
    type(element, 'input[formcontrolname=name]', 'A');
    type(element, 'input[formcontrolname=endpoint]', 'http://a.example.com');
    button(element, 'Add and check').click();
    const request = http.expectOne({ url: '/api/clients', method: 'POST' });
    expect(request.request.body).toMatchObject({ teamId: TEAM.id, agentWsPort: 9000 });
    request.flush(
      {
        statusCode: 403,
        code: 'FORBIDDEN',
        message: 'Only …',
        details: { fields: [{ location: 'body', field: 'teamId', message: 'you are not an admin of that team' }] },
      },
      { status: 403, statusText: 'Forbidden' },
    );
    await settle(fixture);
    expect(element.querySelector('mat-error')?.textContent).toContain('you are not an admin of that team');
    expect(element.querySelector('p.error')).toBeNull();
  });
});

describe('ClientFormDialog: the team a new client starts in', () => {
  let ClientFormDialog: Awaited<ReturnType<typeof feature>>['ClientFormDialog'];
  const BUILD = {
    id: '22222222-2222-4222-8222-222222222222',
    name: 'Build',
    myRole: 'admin',
    defaults: { agentWsPort: 9000, keycloakRealm: null, keycloakAuthServerUrl: null, labels: {} },
  } as Team;
  const WATCHED = { ...BUILD, id: '33333333-3333-4333-8333-333333333333', name: 'Watched', myRole: 'member' } as Team;

  beforeAll(async () => {
    ({ ClientFormDialog } = await feature());
  });

  async function openIn(startInTeam: string) {
    const { fixture, element, http } = open(ClientFormDialog, { startInTeam }, () =>
      TestBed.inject(SessionStore).principal.set({ kind: 'user', isGlobalAdmin: false } as Principal),
    );
    await fixture.whenStable();
    http.expectOne('/api/teams').flush([BUILD, WATCHED]);
    await settle(fixture);
    const form = (fixture.componentInstance as unknown as { form: FormGroup }).form;
    const port = element.querySelector<HTMLInputElement>('input[formcontrolname=agentWsPort]')?.value;
    return { teamId: form.controls['teamId'].value, port };
  }

  it("starts in the list's team when I administer it, with the team's port", async () => {
    expect(await openIn(BUILD.id)).toEqual({ teamId: BUILD.id, port: '9000' });
  });

  it('starts in no team when I only belong to that team', async () => {
    expect(await openIn(WATCHED.id)).toEqual({ teamId: null, port: '8080' });
  });
});

describe('BulkDialog: teams', () => {
  let BulkDialog: Awaited<ReturnType<typeof feature>>['BulkDialog'];
  const TEAM_ID = '44444444-4444-4444-8444-444444444444';

  beforeAll(async () => {
    ({ BulkDialog } = await feature());
  });

  it('moves the selected clients to the chosen team after a preview, and out of their team with No team', async () => {
    const { fixture, element, http } = open(BulkDialog, {
      action: 'move_to_team',
      clients: [{ id: ID, name: 'Build farm' }],
      teams: [{ id: TEAM_ID, name: 'Build', myRole: 'admin' }],
    });
    await fixture.whenStable();
    expect(element.querySelector('h2')?.textContent).toContain('Move 1 client');
    http.verify();
    button(element, 'Preview').click();
    const out = http.expectOne('/api/clients/bulk');
    expect(out.request.body).toEqual({ action: 'move_to_team', ids: [ID], targetTeamId: null, dryRun: true });
    out.flush({ action: 'move_to_team', dryRun: true, results: [{ id: ID, result: 'ok' }] });
    await settle(fixture);
    expect(element.textContent).toContain('Build farm: would be moved');

    const form = fixture.componentInstance as unknown as { targetTeamId: { setValue(value: string): void } };
    form.targetTeamId.setValue(TEAM_ID);
    await fixture.whenStable();
    // A changed value asks for a new preview before the move can run.
    expect(button(element, 'Move').disabled).toBe(true);
    button(element, 'Preview').click();
    const into = http.expectOne('/api/clients/bulk');
    expect(into.request.body).toMatchObject({ targetTeamId: TEAM_ID, dryRun: true });
    into.flush(
      {
        statusCode: 403,
        code: 'FORBIDDEN',
        message: 'Only a global admin or an admin of that team may move a client so',
        details: {
          fields: [{ location: 'body', field: 'targetTeamId', message: 'you are not an admin of that team' }],
        },
        requestId: 'r1',
      },
      { status: 403, statusText: 'Forbidden' },
    );
    await settle(fixture);
    expect(element.querySelector('mat-error')?.textContent).toContain('you are not an admin of that team');
  });

  it('previews applying the team defaults on opening', async () => {
    const { fixture, element, http } = open(BulkDialog, {
      action: 'apply_team_defaults',
      clients: [{ id: ID, name: 'Build farm' }],
    });
    fixture.detectChanges();
    const preview = http.expectOne('/api/clients/bulk');
    expect(preview.request.body).toEqual({ action: 'apply_team_defaults', ids: [ID], dryRun: true });
    preview.flush({ action: 'apply_team_defaults', dryRun: true, results: [{ id: ID, result: 'ok' }] });
    await settle(fixture);
    expect(element.textContent).toContain('Build farm: would be given the defaults');
    button(element, 'Apply team defaults').click();
    expect(http.expectOne('/api/clients/bulk').request.body).toMatchObject({ dryRun: false });
  });
});
