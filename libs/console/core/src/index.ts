export * from './lib/api-error';
export * from './lib/interceptors';
export * from './lib/session.guard';
export * from './lib/session.store';
export * from './lib/keycloak-session';
export * from './lib/keycloak-sign-in';
