import { z } from 'zod';
import { labelSelectorSchema } from './clients';
import { TOKEN_ACCESS_LEVELS, TOKEN_MAX_LIFETIME_DAYS } from './rules';

const DAY_MS = 24 * 60 * 60 * 1000;

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/** 4 or 6 for an IP address, else 0 (no Node API: the console parses this too). */
export function ipVersion(address: string): 0 | 4 | 6 {
  if (IPV4.test(address)) return 4;
  if (!address.includes(':')) return 0;
  try {
    new URL(`http://[${address}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** `10.0.0.0/8`, `2001:db8::/32` or a single address. */
export const cidrSchema = z
  .string()
  .max(64)
  .refine((value) => {
    const [address, bits, ...rest] = value.split('/');
    const version = ipVersion(address ?? '');
    if (version === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    const prefix = Number(bits);
    return /^\d{1,3}$/.test(bits) && prefix <= (version === 4 ? 32 : 128);
  }, 'must be an IP address or a CIDR block (10.0.0.0/8, 2001:db8::/32)');

export const createApiTokenRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).describe('What the token is for'),
    access: z
      .enum(TOKEN_ACCESS_LEVELS)
      .describe(
        '`read`: only reads; `operate`: also starts/stops agents, chats and other non-management operations on ' +
          'clients; `manage`: whatever its owner may do. Never more than the owner may do at the time of use.',
      ),
    clientIds: z.array(z.uuid()).min(1).max(500).optional().describe('Only these clients'),
    teamIds: z.array(z.uuid()).min(1).max(100).optional().describe('Only clients in these teams'),
    selector: labelSelectorSchema.optional().describe('Only clients whose labels match (Kubernetes selector)'),
    expiresAt: z.iso
      .datetime({ offset: true })
      .describe(`When the token stops working: in the future, at most ${TOKEN_MAX_LIFETIME_DAYS} days ahead`),
    allowedCidrs: z.array(cidrSchema).min(1).max(50).optional().describe('Only from these addresses'),
  })
  .superRefine((body, context) => {
    const expires = Date.parse(body.expiresAt);
    if (!(expires > Date.now())) {
      context.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be in the future' });
    } else if (expires > Date.now() + TOKEN_MAX_LIFETIME_DAYS * DAY_MS) {
      context.addIssue({
        code: 'custom',
        path: ['expiresAt'],
        message: `at most ${TOKEN_MAX_LIFETIME_DAYS} days ahead`,
      });
    }
  });
export type CreateApiTokenRequest = z.infer<typeof createApiTokenRequestSchema>;

export const apiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The token’s first characters, to recognise it (`act_` and 6 more)'),
  access: z.enum(TOKEN_ACCESS_LEVELS),
  clientIds: z.array(z.uuid()).nullable(),
  teamIds: z.array(z.uuid()).nullable(),
  selector: z.string().nullable(),
  allowedCidrs: z.array(z.string()).nullable(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable().describe('Kept in batches: up to a minute behind'),
  lastUsedIp: z.string().nullable(),
  owner: z.object({ id: z.uuid(), email: z.string() }),
  createdAt: z.iso.datetime(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const createdApiTokenSchema = apiTokenSchema.extend({
  token: z.string().describe('The token itself, shown only here: `act_` + 43 random base62 characters + a checksum'),
});
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;
