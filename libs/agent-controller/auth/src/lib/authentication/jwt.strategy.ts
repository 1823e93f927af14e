import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { UsersRepository } from '../users/users.repository';
import { ACCESS_TOKEN_ISSUER, AccessTokenClaims } from './access-token.service';
import { AuthenticatedPrincipal, userPrincipal } from './principal';

/** `users` mode: verifies the controller's own JWT, then re-reads the user so a lock or demotion applies at once. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(appConfig.KEY) config: AppConfig,
    private readonly users: UsersRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
      algorithms: ['HS256'],
      issuer: ACCESS_TOKEN_ISSUER,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthenticatedPrincipal> {
    const user = typeof claims.sub === 'string' ? await this.users.findById(claims.sub) : null;
    if (!user) throw new DomainError('UNAUTHORIZED', 'Unknown user');
    if (user.lockedAt) throw new DomainError('ACCOUNT_LOCKED', 'This account is locked');
    if (claims.ver !== user.tokenVersion) throw new DomainError('UNAUTHORIZED', 'Session ended, please log in again');
    return userPrincipal(user);
  }
}
