import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '@agent-controller/audit';
import { AppConfig, appConfig } from '@agent-controller/core';
import { ApiTokensController } from './api-tokens/api-tokens.controller';
import { ApiTokensRepository } from './api-tokens/api-tokens.repository';
import { ApiTokensService } from './api-tokens/api-tokens.service';
import { AccessTokenService, ACCESS_TOKEN_ISSUER } from './authentication/access-token.service';
import { ApiKeyAuthenticator } from './authentication/api-key.authenticator';
import { AuthController } from './authentication/auth.controller';
import { AuthService } from './authentication/auth.service';
import { AuthenticationGuard } from './authentication/authentication.guard';
import { CredentialsAuthenticator } from './authentication/credentials.authenticator';
import { JwtStrategy } from './authentication/jwt.strategy';
import { LoginThrottleRepository } from './authentication/login-throttle/login-throttle.repository';
import { LoginThrottle } from './authentication/login-throttle/login-throttle.service';
import { UserSessionValidator } from './authentication/user-session.validator';
import { KeycloakAuthenticator } from './authentication/keycloak/keycloak.authenticator';
import { KEYCLOAK_TOKEN_VERIFIER } from './authentication/keycloak/keycloak-token-verifier';
import { createKeycloakTokenVerifier } from './authentication/keycloak/keycloak-token-verifier.factory';
import { KeycloakUsersService } from './authentication/keycloak/keycloak-users.service';
import { SetupTokenRepository } from './setup/setup-token.repository';
import { SetupService } from './setup/setup.service';
import { PasswordHasher } from './users/password-hasher';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/**
 * Authentication for every route (global guard) in the configured mode (api-key, users or keycloak), first-run
 * setup, log-in, user administration and scoped API tokens.
 */
@Module({
  imports: [
    AuditModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.auth.jwtExpiresInSeconds, issuer: ACCESS_TOKEN_ISSUER },
      }),
    }),
  ],
  controllers: [AuthController, UsersController, ApiTokensController],
  providers: [
    AccessTokenService,
    ApiKeyAuthenticator,
    ApiTokensRepository,
    ApiTokensService,
    AuthService,
    CredentialsAuthenticator,
    JwtStrategy,
    KeycloakAuthenticator,
    KeycloakUsersService,
    LoginThrottle,
    LoginThrottleRepository,
    { provide: KEYCLOAK_TOKEN_VERIFIER, inject: [appConfig.KEY], useFactory: createKeycloakTokenVerifier },
    PasswordHasher,
    SetupService,
    SetupTokenRepository,
    UsersRepository,
    UsersService,
    UserSessionValidator,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [UsersRepository, ApiKeyAuthenticator, CredentialsAuthenticator],
})
export class AuthModule {}
