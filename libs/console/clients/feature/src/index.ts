// The list and the client detail page are routes' own entry points (clients-page.ts, client-detail-page.ts), not
// exported here: the teams pages, which the routes load from here, do not bring them along.
export * from './lib/rotate-key-dialog';
export * from './lib/delete-client-dialog';
export * from './lib/bulk-dialog';
export * from './lib/client-form-dialog';
export * from './lib/teams-page';
export * from './lib/team-detail-page';
export * from './lib/team-dialogs';
