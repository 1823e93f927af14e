import { Route } from '@angular/router';
import { signedInGuard } from '@agent-controller/console-core';

/** Every screen is its own lazy chunk: the log-in route loads only what it needs. */
export const appRoutes: Route[] = [
  {
    path: 'login',
    title: 'Sign in · Agent Controller',
    loadComponent: () => import('@agent-controller/console-auth-feature').then((m) => m.LoginPage),
  },
  {
    path: '',
    canMatch: [signedInGuard],
    loadComponent: () => import('./shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'clients' },
      {
        path: 'clients',
        title: 'Clients · Agent Controller',
        loadComponent: () => import('@agent-controller/console-clients-feature').then((m) => m.ClientsPage),
      },
      {
        path: '**',
        title: 'Not found · Agent Controller',
        loadComponent: () => import('./not-found').then((m) => m.NotFound),
      },
    ],
  },
];
