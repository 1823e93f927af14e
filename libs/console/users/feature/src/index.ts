export * from './lib/users-page';
export * from './lib/create-user-dialog';
export * from './lib/change-password-dialog';
