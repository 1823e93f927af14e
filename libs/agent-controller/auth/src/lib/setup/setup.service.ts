import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, appConfig, DomainError } from '@agent-controller/core';
import { SetupRequest, SetupStatus, TokenResponse } from '@agent-controller/shared-contracts';
import { createHash, randomBytes } from 'node:crypto';
import { AccessTokenService } from '../authentication/access-token.service';
import { notApplicableInMode } from '../authentication/not-applicable';
import { PasswordHasher } from '../users/password-hasher';
import { UsersRepository } from '../users/users.repository';
import { SETUP_TOKEN_LIFETIME_HOURS, SetupTokenRepository } from './setup-token.repository';
import { consoleUrl, printSetupBanner } from './setup-banner';
import { AuditService } from '@agent-controller/audit';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** First-run setup: while no user exists, a one-time token printed in the log creates the first global admin. */
@Injectable()
export class SetupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Setup');

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly tokens: SetupTokenRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.auth.method !== 'users') return;
    if (await this.users.exists()) {
      await this.tokens.clear();
      return;
    }
    const token = randomBytes(24).toString('base64url');
    await this.tokens.add(hashToken(token));
    this.logger.warn(
      `No users exist yet. Create the first admin with this one-time setup token (valid until used, for ${SETUP_TOKEN_LIFETIME_HOURS} hours; each replica prints its own and any of them works): ${token}`,
    );
    printSetupBanner(process.stderr, token, consoleUrl(this.config.http.host, this.config.http.port));
  }

  async status(): Promise<SetupStatus> {
    const required = this.config.auth.method === 'users' && !(await this.users.exists());
    return { required, authenticationMethod: this.config.auth.method };
  }

  async createFirstAdmin(request: SetupRequest): Promise<TokenResponse> {
    if (this.config.auth.method !== 'users') {
      throw notApplicableInMode(this.config.auth.method, 'Setup applies only to the users authentication mode');
    }
    // Hash before the transaction: it is slow and must not hold the row lock.
    const passwordHash = await this.hasher.hash(request.password);
    const admin = await this.users.transaction(async (manager) => {
      const consumed = await this.tokens.consume(hashToken(request.token), manager);
      if (!consumed) {
        if (await this.users.exists(manager)) {
          throw new DomainError('SETUP_ALREADY_COMPLETED', 'Setup has already been completed');
        }
        throw new DomainError('INVALID_SETUP_TOKEN', 'The setup token is not valid');
      }
      if (await this.users.exists(manager)) {
        throw new DomainError('SETUP_ALREADY_COMPLETED', 'Setup has already been completed');
      }
      // Setup signs the first admin in, so it counts as their first sign-in.
      const admin = await this.users.insert(
        { email: request.email, passwordHash, role: 'admin', lastSignInAt: new Date() },
        manager,
      );
      await this.audit.record(
        { action: 'auth.setup', targetType: 'user', targetId: admin.id, actor: { id: admin.id, email: admin.email } },
        manager,
      );
      return admin;
    });
    this.logger.log(`First admin ${admin.id} created`);
    return this.accessTokens.issue(admin);
  }
}
