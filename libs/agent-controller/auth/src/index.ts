export * from './lib/auth.module';
export * from './lib/auth.entities';

export * from './lib/authentication/principal';
export { CredentialsAuthenticator } from './lib/authentication/credentials.authenticator';
export { UsersRepository } from './lib/users/users.repository';
