import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import {
  authInterceptor,
  errorInterceptor,
  provideKeycloakSignIn,
  requestIdInterceptor,
  SessionStore,
} from '@agent-controller/console-core';
import { appRoutes, loadClientsPage, loadShell } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideHttpClient(withInterceptors([requestIdInterceptor, authInterceptor, errorInterceptor])),
    provideKeycloakSignIn(),
    provideAppInitializer(() => {
      // With a stored credential the first screen is the shell, most often on the clients list: fetch their chunks
      // while the session is checked instead of after it (the router's imports then find them loaded). A failure
      // here is the router's to report when it imports them itself.
      if (inject(SessionStore).token() !== null) Promise.all([loadShell(), loadClientsPage()]).catch(() => undefined);
    }),
  ],
};
