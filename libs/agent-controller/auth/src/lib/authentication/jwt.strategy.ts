import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppConfig, appConfig } from '@agent-controller/core';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ACCESS_TOKEN_ISSUER, accessTokenKey } from './access-token.service';
import { AuthenticatedPrincipal } from './principal';
import { UserSessionValidator } from './user-session.validator';

/** `users` mode over HTTP: verifies the controller's own JWT, then re-reads the user. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly sessions: UserSessionValidator,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // jsonwebtoken takes a KeyObject; the option's type only names strings and buffers.
      secretOrKey: accessTokenKey(config.auth.jwtSecret) as unknown as string,
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      ignoreExpiration: false,
    });
  }

  validate(payload: unknown): Promise<AuthenticatedPrincipal> {
    return this.sessions.principalFor(payload);
  }
}
