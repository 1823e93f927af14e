import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AuditService } from '@agent-controller/audit';
import { AppConfig, appConfig, DomainError, RequestPrincipal, TokenGrant } from '@agent-controller/core';
import { ApiToken, CreateApiTokenRequest, CreatedApiToken } from '@agent-controller/shared-contracts';
import { AuthenticatedPrincipal } from '../authentication/principal';
import { UserSessionValidator } from '../authentication/user-session.validator';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRow, ApiTokensRepository } from './api-tokens.repository';
import { ipAllowed, normaliseIp } from './token-cidrs';
import { generateToken, isWellFormedToken, TOKEN_PREFIX, tokenHashes, tokenPrefix } from './token-format';

/** How often last-use times are written (one statement for every token used meanwhile). */
const USE_FLUSH_MS = 30_000;
/** A refused use is audited at most once a minute per token and reason. */
const REFUSAL_AUDIT_MS = 60_000;

const tokenNotFound = () => new DomainError('NOT_FOUND', 'Token not found');

/** Whether an `Authorization` value carries a scoped API token rather than a session or the static key. */
export function carriesApiToken(authorization: string | undefined): boolean {
  return /^Bearer +act_/i.test(authorization?.trim() ?? '');
}

/**
 * Scoped, expiring API tokens for scripts (modes `users` and `keycloak`). A token acts as its owner as the owner is
 * now (a locked owner's tokens stop, a demoted one's shrink), narrowed to its access level and clients. Only a keyed
 * hash is stored; the token is shown once.
 */
@Injectable()
export class ApiTokensService implements OnModuleDestroy {
  private readonly logger = new Logger('ApiTokens');
  private readonly keys: Buffer[];
  private readonly uses = new Map<string, { at: Date; ip: string | null }>();
  private readonly refusalsAudited = new Map<string, number>();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly sessions: UserSessionValidator,
    private readonly audit: AuditService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.keys = [config.encryption.key, ...config.encryption.previousKeys];
    this.flushTimer = setInterval(() => void this.flushUses(), USE_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushUses();
  }

  async createToken(principal: RequestPrincipal, request: CreateApiTokenRequest): Promise<CreatedApiToken> {
    const ownerId = this.requireOwner(principal);
    const token = generateToken();
    const saved = await this.tokens.insert({
      userId: ownerId,
      name: request.name,
      tokenHash: tokenHashes(token, [this.config.encryption.key])[0],
      prefix: tokenPrefix(token),
      access: request.access,
      clientIds: request.clientIds ?? null,
      teamIds: request.teamIds ?? null,
      selector: request.selector ?? null,
      allowedCidrs: request.allowedCidrs ?? null,
      expiresAt: new Date(request.expiresAt),
    });
    await this.audit.recordOutsideTransaction({
      action: 'token.create',
      targetType: 'api_token',
      targetId: saved.id,
      details: { name: saved.name, access: saved.access, expiresAt: saved.expiresAt.toISOString() },
    });
    return { ...toApiTokenResponse({ token: saved, ownerEmail: principal.email ?? '' }), token };
  }

  /** The caller's own tokens, newest first; a global admin sees everyone's. */
  async listTokens(principal: RequestPrincipal): Promise<ApiToken[]> {
    const ownerId = this.requireOwner(principal);
    const rows = await this.tokens.list(principal.isGlobalAdmin ? null : ownerId);
    return rows.map(toApiTokenResponse);
  }

  /** Revokes one of the caller's tokens (a global admin: anyone's); revoking twice is harmless. */
  async revokeToken(principal: RequestPrincipal, id: string): Promise<void> {
    const ownerId = this.requireOwner(principal);
    const [row] = await this.tokens.list(principal.isGlobalAdmin ? null : ownerId, id);
    if (!row) throw tokenNotFound();
    if (row.token.revokedAt) return;
    await this.tokens.revoke(id, new Date());
    await this.audit.recordOutsideTransaction({
      action: 'token.revoke',
      targetType: 'api_token',
      targetId: id,
      details: { name: row.token.name, owner: row.token.userId },
    });
  }

  /**
   * The principal a token acts as, or 401 (unknown, revoked, expired: `details.reason`) / 403 (from an address the
   * token does not allow). Refusals are audited, at most once a minute per token and reason.
   */
  async authenticate(authorization: string, address: string | undefined): Promise<AuthenticatedPrincipal> {
    const raw = authorization.trim().replace(/^Bearer +/i, '');
    const ip = normaliseIp(address);
    const token = isWellFormedToken(raw) ? await this.tokens.findByHashes(tokenHashes(raw, this.keys)) : null;
    if (!token) throw await this.refuse(null, 'UNAUTHORIZED', 'unknown', 'Unknown API token', ip);
    if (token.revokedAt) throw await this.refuse(token, 'UNAUTHORIZED', 'revoked', 'This API token was revoked', ip);
    if (token.expiresAt.getTime() <= Date.now()) {
      throw await this.refuse(token, 'UNAUTHORIZED', 'expired', 'This API token has expired', ip);
    }
    if (token.allowedCidrs && !ipAllowed(ip, token.allowedCidrs)) {
      throw await this.refuse(token, 'FORBIDDEN', 'address', `This API token may not be used from ${ip ?? 'here'}`, ip);
    }
    const owner = await this.sessions.principalForUser(token.userId);
    this.uses.set(token.id, { at: new Date(), ip });
    return { ...owner, token: toGrant(token) };
  }

  /**
   * What a token may call at all, before any route runs: never token management or the owner's own account;
   * `read` only reads; `operate` changes nothing but a client's own resources (agents, files, git, chat …), where
   * the permission policy then allows only operating actions.
   */
  assertRouteAllowed(grant: TokenGrant, method: string, path: string): void {
    const reading = method === 'GET' || method === 'HEAD';
    const refuse = (message: string) => new DomainError('FORBIDDEN', message, { reason: 'token_access' });
    if (path.startsWith('/api/tokens') || (path.startsWith('/api/auth/') && !reading)) {
      throw refuse('An API token cannot manage tokens or its owner’s account: sign in as the owner');
    }
    if (reading) return;
    if (grant.access === 'read') throw refuse('This API token may only read');
    if (grant.access === 'operate' && !/^\/api\/clients\/[0-9a-f-]{36}\/./i.test(path)) {
      throw refuse('This API token may only operate clients, not manage them');
    }
  }

  private requireOwner(principal: RequestPrincipal): string {
    if (this.config.auth.method === 'api-key' || principal.userId === null) {
      throw new DomainError('NOT_APPLICABLE_IN_API_KEY_MODE', 'API tokens belong to users; api-key mode has none');
    }
    if (principal.token) {
      throw new DomainError('FORBIDDEN', 'An API token cannot manage tokens: sign in as the owner', {
        reason: 'token_access',
      });
    }
    return principal.userId;
  }

  private async refuse(
    token: ApiTokenEntity | null,
    code: 'UNAUTHORIZED' | 'FORBIDDEN',
    reason: string,
    message: string,
    ip: string | null,
  ): Promise<DomainError> {
    const key = `${token?.id ?? 'unknown'}|${reason}`;
    const now = Date.now();
    if (now - (this.refusalsAudited.get(key) ?? 0) >= REFUSAL_AUDIT_MS) {
      this.refusalsAudited.set(key, now);
      await this.audit.recordOutsideTransaction({
        action: 'token.refused',
        outcome: 'denied',
        targetType: 'api_token',
        targetId: token?.id ?? null,
        actor: token ? { id: token.userId, email: null } : { id: null, email: null },
        details: { reason, ip, ...(token ? {} : { prefix: TOKEN_PREFIX }) },
      });
    }
    return new DomainError(code, message, { reason });
  }

  private async flushUses(): Promise<void> {
    if (this.uses.size === 0) return;
    const uses = [...this.uses].map(([id, use]) => ({ id, ...use }));
    this.uses.clear();
    try {
      await this.tokens.recordUse(uses);
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not record API token use');
    }
  }
}

function toGrant(token: ApiTokenEntity): TokenGrant {
  return {
    id: token.id,
    access: token.access,
    clientIds: token.clientIds,
    teamIds: token.teamIds,
    selector: token.selector,
  };
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toApiTokenResponse({ token, ownerEmail }: ApiTokenRow): ApiToken {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    access: token.access,
    clientIds: token.clientIds,
    teamIds: token.teamIds,
    selector: token.selector,
    allowedCidrs: token.allowedCidrs,
    expiresAt: token.expiresAt.toISOString(),
    revokedAt: iso(token.revokedAt),
    lastUsedAt: iso(token.lastUsedAt),
    lastUsedIp: token.lastUsedIp,
    owner: { id: token.userId, email: ownerEmail },
    createdAt: token.createdAt.toISOString(),
  };
}
