import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { MAT_FORM_FIELD_DEFAULT_OPTIONS, MatFormFieldDefaultOptions } from '@angular/material/form-field';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import {
  authInterceptor,
  EarlyRequests,
  earlyRequestsInterceptor,
  errorInterceptor,
  provideKeycloakSignIn,
  requestIdInterceptor,
  SessionStore,
} from '@agent-controller/console-core';
import { firstClientsPageUrl } from '@agent-controller/console-clients-data-access';
import { apiPaths } from '@agent-controller/shared-contracts/api-paths';
import { appRoutes, loadClientsPage, loadOverviewPage, loadShell } from './app.routes';

/** What a signed-in load of `path` opens on, for the two most visited pages (the home and the list). */
export interface FirstPage {
  chunk: () => Promise<unknown>;
  /** The API reads the page starts with that are known before the page exists. */
  data: readonly string[];
}

export function firstPage(path: string, search: string): FirstPage | null {
  const route = path.replace(/\/+$/, '');
  // The overview's counts come first; its other reads fill in beside them.
  if (route === '') return { chunk: loadOverviewPage, data: [apiPaths.clients.summary] };
  if (route === '/clients') return { chunk: loadClientsPage, data: [firstClientsPageUrl(search)] };
  return null;
}

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideHttpClient(
      withInterceptors([earlyRequestsInterceptor, requestIdInterceptor, authInterceptor, errorInterceptor]),
    ),
    provideKeycloakSignIn(),
    // A hint or error longer than one line grows its field instead of running over the next one.
    {
      provide: MAT_FORM_FIELD_DEFAULT_OPTIONS,
      useValue: { subscriptSizing: 'dynamic' } satisfies MatFormFieldDefaultOptions,
    },
    provideAppInitializer(() => {
      // With a stored credential the first screen is the shell, most often on the overview or the clients list:
      // fetch the shell's and that page's chunks, and the page's rows, while the session is checked instead of
      // after it (the router's imports then find the chunks loaded, the page's request its answer). A failure here
      // is the router's and the page's to report when they ask themselves.
      if (inject(SessionStore).token() === null) return;
      const page = firstPage(location.pathname, location.search);
      const early = inject(EarlyRequests);
      for (const url of page?.data ?? []) early.start(url);
      Promise.all([loadShell(), page?.chunk()]).catch(() => undefined);
    }),
  ],
};
