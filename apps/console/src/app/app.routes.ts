import { Route } from '@angular/router';
import {
  apiTokensGuard,
  globalAdminGuard,
  signedInGuard,
  teamsGuard,
  usersAdminGuard,
  webhooksGuard,
} from '@agent-controller/console-core';

/** The signed-in frame and the screens most visits open on; app.config fetches them early on a signed-in load. */
export const loadShell = () => import('./shell').then((m) => m.Shell);
export const loadOverviewPage = () => import('@agent-controller/console-overview-feature').then((m) => m.OverviewPage);
export const loadClientsPage = () =>
  import('@agent-controller/console-clients-feature/clients-page').then((m) => m.ClientsPage);

/** Every screen is its own lazy chunk: the log-in route loads only what it needs. */
export const appRoutes: Route[] = [
  {
    path: 'login',
    title: 'Sign in · Agent Controller',
    loadComponent: () => import('@agent-controller/console-auth-feature').then((m) => m.LoginPage),
  },
  {
    path: 'auth/callback',
    title: 'Signing in · Agent Controller',
    loadComponent: () => import('@agent-controller/console-auth-feature').then((m) => m.KeycloakCallbackPage),
  },
  {
    path: '',
    canMatch: [signedInGuard],
    loadComponent: loadShell,
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Overview · Agent Controller',
        loadComponent: loadOverviewPage,
      },
      {
        path: 'clients',
        title: 'Clients · Agent Controller',
        loadComponent: loadClientsPage,
      },
      {
        path: 'clients/:id',
        title: 'Client · Agent Controller',
        loadComponent: () =>
          import('@agent-controller/console-clients-feature/client-detail-page').then((m) => m.ClientDetailPage),
      },
      {
        path: 'clients/:id/agents',
        title: 'Agents · Agent Controller',
        loadComponent: () => import('@agent-controller/console-agents-feature').then((m) => m.AgentsPage),
      },
      {
        path: 'clients/:id/agents/:agentId',
        title: 'Agent · Agent Controller',
        loadComponent: () => import('@agent-controller/console-agents-feature').then((m) => m.AgentDetailPage),
      },
      {
        path: 'clients/:id/agents/:agentId/chat',
        title: 'Chat · Agent Controller',
        loadComponent: () => import('@agent-controller/console-agents-feature').then((m) => m.ChatPage),
      },
      {
        path: 'agents',
        title: 'Agents · Agent Controller',
        loadComponent: () => import('@agent-controller/console-agents-feature').then((m) => m.FleetAgentsPage),
      },
      {
        path: 'provisioning',
        title: 'Provisioning · Agent Controller',
        loadComponent: () => import('@agent-controller/console-provisioning-feature').then((m) => m.ProvisioningPage),
      },
      {
        path: 'provisioning/jobs/:id',
        title: 'Provisioning job · Agent Controller',
        loadComponent: () =>
          import('@agent-controller/console-provisioning-feature').then((m) => m.ProvisioningJobPage),
      },
      {
        path: 'teams',
        title: 'Teams · Agent Controller',
        canMatch: [teamsGuard],
        loadComponent: () => import('@agent-controller/console-clients-feature').then((m) => m.TeamsPage),
      },
      {
        path: 'teams/:id',
        title: 'Team · Agent Controller',
        canMatch: [teamsGuard],
        loadComponent: () => import('@agent-controller/console-clients-feature').then((m) => m.TeamDetailPage),
      },
      {
        path: 'tokens',
        title: 'API tokens · Agent Controller',
        canMatch: [apiTokensGuard],
        loadComponent: () => import('@agent-controller/console-users-feature').then((m) => m.TokensPage),
      },
      {
        path: 'webhooks',
        title: 'Webhooks · Agent Controller',
        canMatch: [webhooksGuard],
        loadComponent: () => import('@agent-controller/console-users-feature').then((m) => m.WebhooksPage),
      },
      {
        path: 'webhooks/:id',
        title: 'Webhook · Agent Controller',
        canMatch: [webhooksGuard],
        loadComponent: () => import('@agent-controller/console-users-feature').then((m) => m.WebhookDetailPage),
      },
      {
        path: 'audit',
        title: 'Audit log · Agent Controller',
        canMatch: [globalAdminGuard],
        loadComponent: () => import('@agent-controller/console-audit-feature').then((m) => m.AuditPage),
      },
      {
        path: 'users',
        title: 'Users · Agent Controller',
        canMatch: [usersAdminGuard],
        loadComponent: () => import('@agent-controller/console-users-feature').then((m) => m.UsersPage),
      },
      {
        path: '**',
        title: 'Not found · Agent Controller',
        loadComponent: () => import('./not-found').then((m) => m.NotFound),
      },
    ],
  },
];
