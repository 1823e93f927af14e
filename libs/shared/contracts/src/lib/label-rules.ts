// No zod here: the console's forms and a CLI check labels, environments and selectors without loading it.

/**
 * Client labels follow Kubernetes' label syntax and limits, so selectors written for a cluster read the same here:
 * a key is an optional DNS-subdomain prefix (≤ 253) and `/`, then a name (≤ 63); a value is ≤ 63, possibly empty.
 */
export const MAX_LABELS = 20;
export const LABEL_NAME_MAX_LENGTH = 63;
export const LABEL_PREFIX_MAX_LENGTH = 253;
export const LABEL_VALUE_MAX_LENGTH = 63;

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
export const LABEL_NAME_RULE = 'letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

/** Why `key` is not a label key, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (prefix.length === 0) return 'the prefix before "/" must not be empty';
    if (prefix.length > LABEL_PREFIX_MAX_LENGTH)
      return `the prefix must be at most ${LABEL_PREFIX_MAX_LENGTH} characters`;
    if (!DNS_SUBDOMAIN.test(prefix)) return 'the prefix must be a DNS subdomain (lower-case, e.g. example.com)';
  }
  if (name.length === 0) return 'the name must not be empty';
  if (name.length > LABEL_NAME_MAX_LENGTH) return `the name must be at most ${LABEL_NAME_MAX_LENGTH} characters`;
  if (!LABEL_NAME.test(name)) return `the name must be ${LABEL_NAME_RULE}`;
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is one (the empty value is one). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX_LENGTH) return `must be at most ${LABEL_VALUE_MAX_LENGTH} characters`;
  if (value !== '' && !LABEL_NAME.test(value)) return `must be empty or ${LABEL_NAME_RULE}`;
  return undefined;
}

/** Environments are named like label values (never empty): `production`, `eu-staging`. */
export const ENVIRONMENT_NAME_MAX_LENGTH = LABEL_VALUE_MAX_LENGTH;
export const DEFAULT_CLIENT_ENVIRONMENTS = ['production', 'staging', 'development'] as const;

/** Why `name` cannot name an environment, or undefined when it can. */
export function environmentNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  return labelValueProblem(name);
}
