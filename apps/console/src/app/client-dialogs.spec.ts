import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, Type } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import type { Client } from '@agent-controller/shared-contracts';

const ID = '11111111-1111-4111-8111-111111111111';
const CLIENT = { id: ID, name: 'Build farm', health: { state: 'healthy' } } as Client;

function open<T>(component: Type<T>, data: unknown) {
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

  beforeAll(async () => {
    ({ RotateKeyDialog } = await feature());
  });

  it('explains that the key is the remote’s and requires the new key before it can send', async () => {
    const { fixture, element, http } = open(RotateKeyDialog, CLIENT);
    await fixture.whenStable();

    expect(element.textContent).toContain('The key belongs to the remote agent-manager');
    expect(element.textContent).toContain('If the remote refuses it, the current key stays');
    expect(element.textContent).toContain('Store the key even if the remote refuses it');
    expect(button(element, 'Check and store').disabled).toBe(true);
    http.verify();
  });

  it('sends the typed key unforced and closes with the client the remote accepted the key for', async () => {
    const { fixture, element, close, http } = open(RotateKeyDialog, CLIENT);
    await fixture.whenStable();
    type(element, 'input[type=password]', 'the-remotes-new-key');
    await fixture.whenStable();
    button(element, 'Check and store').click();

    const request = http.expectOne(`/api/clients/${ID}/rotate-key`);
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ apiKey: 'the-remotes-new-key', force: false });
    request.flush({ ...CLIENT, apiKey: 'the-remotes-new-key' });
    await fixture.whenStable();

    expect(close).toHaveBeenCalledWith(CLIENT);
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
    await fixture.whenStable();

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
    forced.flush({ ...CLIENT, health: { state: 'auth_failed' } });
    await fixture.whenStable();
    expect(close).toHaveBeenCalledWith(expect.objectContaining({ health: { state: 'auth_failed' } }));
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

  async function preview(action: 'delete' | 'deactivate') {
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
});
