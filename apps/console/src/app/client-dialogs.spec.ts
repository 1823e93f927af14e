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
