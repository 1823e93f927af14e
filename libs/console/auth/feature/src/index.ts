export * from './lib/login-page';
export * from './lib/keycloak-callback-page';
