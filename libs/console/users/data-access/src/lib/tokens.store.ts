import { computed, inject, Injectable, signal } from '@angular/core';
import { apiErrorMessage, type ListPage, type PageRequest, PagedListStore } from '@agent-controller/console-core';
import type {
  ApiToken,
  CreateApiTokenRequest,
  CreatedApiToken,
  Team,
  TokenAccess,
} from '@agent-controller/shared-contracts';
import { parseLabelSelector, TOKEN_MAX_LIFETIME_DAYS } from '@agent-controller/shared-contracts/rules';
import { TokensApi } from './tokens.api';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The lifetimes the create dialog offers, in days; `date` is "until a date I pick". */
export const TOKEN_EXPIRY_PRESETS = [7, 30, 90, 365] as const;
export type TokenExpiry = (typeof TOKEN_EXPIRY_PRESETS)[number] | 'date';

/** What each access level lets a token do, in one line (the README's wording). */
export const TOKEN_ACCESS_HINTS: Record<TokenAccess, string> = {
  read: 'Only reads: lists, details, logs, metrics',
  operate: 'Also starts and stops agents, chats, terminals, files and git on clients',
  manage: 'Whatever you may do yourself (never tokens or your account)',
};

/** What the create dialog holds; lists are typed as text, one entry per comma (or space). */
export interface TokenFormValue {
  name: string;
  access: TokenAccess;
  expiresIn: TokenExpiry;
  /** `yyyy-mm-dd` when `expiresIn` is `date`: the token works until the end of that (local) day. */
  expiresOn: string;
  teamIds: string[];
  selector: string;
  clientIds: string;
  allowedCidrs: string;
}

export function tokenFormValue(): TokenFormValue {
  return {
    name: '',
    access: 'read',
    expiresIn: 30,
    expiresOn: '',
    teamIds: [],
    selector: '',
    clientIds: '',
    allowedCidrs: '',
  };
}

/** `a, b c` → `['a', 'b', 'c']`. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry !== '');
}

/** A date as a date input holds it (`yyyy-mm-dd`, local). */
export function dateInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The first and last day a token may be valid until: today, and the last day within the maximum lifetime. */
export function expiryDateRange(now = Date.now()): { min: string; max: string } {
  return {
    min: dateInputValue(new Date(now)),
    max: dateInputValue(new Date(now + (TOKEN_MAX_LIFETIME_DAYS - 1) * DAY_MS)),
  };
}

/** The end of a picked day (local time). */
function endOfDay(value: string): Date {
  const [year, month, day] = value.split('-').map(Number);
  return new Date(year, month - 1, day, 23, 59, 59, 999);
}

/** Why a picked expiry date cannot be used, or undefined when it can. */
export function expiryDateProblem(value: string, now = Date.now()): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(endOfDay(value).getTime())) return 'Not a date';
  const { min, max } = expiryDateRange(now);
  if (value < min) return 'Must be today or later';
  if (value > max) return `At most ${TOKEN_MAX_LIFETIME_DAYS - 1} days ahead`;
  return undefined;
}

/** When a token made from the form now stops working. */
export function tokenExpiresAt(value: Pick<TokenFormValue, 'expiresIn' | 'expiresOn'>, now = Date.now()): string {
  if (value.expiresIn === 'date') return endOfDay(value.expiresOn).toISOString();
  return new Date(now + value.expiresIn * DAY_MS).toISOString();
}

/** The create request for the form: empty scope fields are left out (no narrowing). */
export function toTokenRequest(value: TokenFormValue, now = Date.now()): CreateApiTokenRequest {
  const request: CreateApiTokenRequest = {
    name: value.name.trim(),
    access: value.access,
    expiresAt: tokenExpiresAt(value, now),
  };
  const clientIds = splitList(value.clientIds);
  const allowedCidrs = splitList(value.allowedCidrs);
  if (value.teamIds.length > 0) request.teamIds = value.teamIds;
  if (value.selector.trim()) request.selector = value.selector.trim();
  if (clientIds.length > 0) request.clientIds = clientIds;
  if (allowedCidrs.length > 0) request.allowedCidrs = allowedCidrs;
  return request;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a typed list of client ids cannot be sent, or undefined when it can. */
export function clientIdsProblem(text: string): string | undefined {
  const bad = splitList(text).filter((entry) => !UUID.test(entry));
  return bad.length === 0 ? undefined : `Not a client id: ${bad.join(', ')}`;
}

/** Why a label selector cannot be used (the API's own parser), or undefined when it can. */
export function selectorProblem(text: string): string | undefined {
  const parsed = parseLabelSelector(text.trim());
  return parsed.ok ? undefined : `Not a label selector: ${parsed.error}`;
}

type ListField = 'clientIds' | 'teamIds' | 'allowedCidrs';

/**
 * Where the API's refusals of a create request go in the form: `expiresAt` beside the expiry chosen, a list's
 * entries (`allowedCidrs.1`) beside the list's field, naming the entry ("10.0.0.0/33: must be …"). `aliases` is
 * for `showApiErrors`; `messages` are the lists' whole sentences, to set after it.
 */
export function tokenErrorPlacement(
  errors: Record<string, string>,
  value: TokenFormValue,
): { aliases: Record<string, string>; messages: Partial<Record<ListField, string>> } {
  const aliases: Record<string, string> = { expiresAt: value.expiresIn === 'date' ? 'expiresOn' : 'expiresIn' };
  const messages: Partial<Record<ListField, string>> = {};
  for (const [field, message] of Object.entries(errors)) {
    const match = /^(clientIds|teamIds|allowedCidrs)(?:\.(\d+))?$/.exec(field);
    if (!match) continue;
    const control = match[1] as ListField;
    aliases[field] = control;
    const entries = control === 'teamIds' ? value.teamIds : splitList(value[control]);
    const entry = match[2] === undefined ? undefined : entries[Number(match[2])];
    const text = entry === undefined ? message : `${entry}: ${message}`;
    messages[control] = messages[control] ? `${messages[control]}; ${text}` : text;
  }
  return { aliases, messages };
}

/** The shell lines that use a new token with agentctl (the README's, with this controller and token filled in). */
export function agentctlExample(origin: string, token: string): string {
  return [`export AGENTCTL_URL=${origin}`, `export AGENTCTL_TOKEN=${token}`, 'npx agentctl clients ls --json'].join(
    '\n',
  );
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(token: ApiToken, now = Date.now()): TokenState {
  if (token.revokedAt) return 'revoked';
  return Date.parse(token.expiresAt) <= now ? 'expired' : 'active';
}

/**
 * What a token may reach, a line per narrowing: "All clients" when none. Teams the caller does not see are
 * "another team".
 */
export function tokenScope(token: ApiToken, teamNames: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  const ids = token.clientIds ?? [];
  if (ids.length > 0) lines.push(ids.length === 1 ? '1 client' : `${ids.length} clients`);
  if (token.teamIds?.length) {
    const names = token.teamIds.map((id) => teamNames.get(id) ?? 'another team');
    lines.push(`${names.length === 1 ? 'Team' : 'Teams'}: ${names.join(', ')}`);
  }
  if (token.selector) lines.push(`Labels: ${token.selector}`);
  if (lines.length === 0) lines.push('All clients');
  if (token.allowedCidrs?.length) lines.push(`From: ${token.allowedCidrs.join(', ')}`);
  return lines;
}

/** Rows of a token list page: the API answers every token at once, so pages are cut here. */
function pageOf(tokens: ApiToken[], { pageIndex, pageSize }: PageRequest<Record<string, never>>): ListPage<ApiToken> {
  return { items: tokens.slice(pageIndex * pageSize, (pageIndex + 1) * pageSize), total: tokens.length };
}

/**
 * The tokens page: the caller's tokens (a global admin's: everyone's), newest first and paged here, the teams a
 * token may be narrowed to, creating (the token is answered once) and revoking. A refused revoke is kept in
 * `actionError` as the controller's sentence.
 */
@Injectable()
export class TokensStore extends PagedListStore<ApiToken> {
  private readonly api = inject(TokensApi);
  /** The rows by their own name; the same signal as `items`. */
  readonly tokens = this.items;
  /** The teams the caller sees (for the scope picker and the scope column's names). */
  readonly teams = signal<Team[]>([]);
  readonly teamNames = computed(() => new Map(this.teams().map((team) => [team.id, team.name])));
  readonly actionError = signal<string | null>(null);
  readonly busyId = signal<string | null>(null);
  private teamsRead?: Promise<void>;

  constructor() {
    super({ filters: {}, pageSize: 25 });
  }

  protected async fetchPage(request: PageRequest<Record<string, never>>): Promise<ListPage<ApiToken>> {
    const [tokens] = await Promise.all([this.api.list(), this.readTeams()]);
    return pageOf(tokens, request);
  }

  /** Creates the token and reads the list again; a refusal is thrown to the dialog, which shows it per field. */
  async createToken(request: CreateApiTokenRequest): Promise<CreatedApiToken> {
    const created = await this.api.create(request);
    this.actionError.set(null);
    this.pageIndex.set(0);
    await this.load();
    return created;
  }

  /** Revokes the token and reads the list again (it stays, marked revoked); a refusal is kept in `actionError`. */
  async revokeToken(token: ApiToken): Promise<boolean> {
    this.busyId.set(token.id);
    this.actionError.set(null);
    try {
      await this.api.revoke(token.id);
      return true;
    } catch (error) {
      this.actionError.set(`Could not revoke ${token.name}: ${apiErrorMessage(error)}`);
      return false;
    } finally {
      await this.load();
      this.busyId.set(null);
    }
  }

  /** Once per page visit: a team list that cannot be read leaves the picker empty, not the page broken. */
  private readTeams(): Promise<void> {
    this.teamsRead ??= this.api.teams().then(
      (teams) => this.teams.set(teams),
      () => {
        this.teamsRead = undefined;
      },
    );
    return this.teamsRead;
  }
}
