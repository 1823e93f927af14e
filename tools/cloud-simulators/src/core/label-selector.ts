/**
 * Hetzner label selectors: comma-separated requirements that must all hold (AND). Each is one of
 * `k=v` (also `k==v`), `k!=v`, `k` (present), `!k` (absent), `k in (a,b)`, `k notin (a,b)`.
 * Like Kubernetes selectors, which Hetzner's follow: `k!=v` and `k notin (…)` also match servers without `k`.
 */
export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'absent' };

export type LabelSelector = LabelRequirement[];

const KEY = /^([a-z0-9A-Z]([a-z0-9A-Z.-]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([a-z0-9A-Z._-]{0,61}[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([a-z0-9A-Z._-]{0,61}[a-z0-9A-Z])?)?$/;

export class LabelSelectorError extends Error {}

/** Splits on commas outside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw new LabelSelectorError(`unbalanced ')' in '${selector}'`);
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new LabelSelectorError(`unbalanced '(' in '${selector}'`);
  parts.push(current);
  return parts.map((part) => part.trim());
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new LabelSelectorError(`invalid label key '${key}'`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new LabelSelectorError(`invalid label value '${value}'`);
  return value;
}

function parseRequirement(text: string): LabelRequirement {
  const set = text.match(/^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/);
  if (set) {
    const values = (set[3] as string).split(',').map((value) => checkValue(value.trim()));
    return { key: checkKey(set[1] as string), op: set[2] as 'in' | 'notin', values };
  }
  const comparison = text.match(/^([^=!\s]+)\s*(==|!=|=)\s*(.*)$/);
  if (comparison) {
    const op = comparison[2] === '!=' ? 'neq' : 'eq';
    return { key: checkKey(comparison[1] as string), op, value: checkValue((comparison[3] as string).trim()) };
  }
  if (text.startsWith('!')) {
    return { key: checkKey(text.slice(1).trim()), op: 'absent' };
  }
  return { key: checkKey(text), op: 'exists' };
}

/** Parses a selector; throws `LabelSelectorError` when it is malformed. An empty selector matches all. */
export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.trim() === '') return [];
  return splitRequirements(selector).map((part) => {
    if (part === '') throw new LabelSelectorError(`empty requirement in '${selector}'`);
    return parseRequirement(part);
  });
}

export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: LabelSelector): boolean {
  return selector.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.op) {
      case 'eq':
        return has && value === requirement.value;
      case 'neq':
        return !has || value !== requirement.value;
      case 'in':
        return has && requirement.values.includes(value as string);
      case 'notin':
        return !has || !requirement.values.includes(value as string);
      case 'exists':
        return has;
      case 'absent':
        return !has;
    }
  });
}

/** A label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function isValidLabelKey(key: string): boolean {
  return KEY.test(key) && !key.startsWith('hetzner.cloud/');
}

/** A label value: at most 63 characters, may be empty. */
export function isValidLabelValue(value: string): boolean {
  return VALUE.test(value);
}
