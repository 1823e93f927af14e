import { labelKeyProblem, labelValueProblem } from './label-rules';

/**
 * The Kubernetes label selector grammar (equality- and set-based), requirements separated by commas and ANDed:
 * `k=v` / `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (has the label), `!k` (has not).
 * `!=` and `notin` also match clients without the key, as in Kubernetes. Pure TypeScript: the console and a CLI
 * parse exactly what the server does.
 */
export type LabelRequirement =
  | { key: string; operator: 'equals' | 'notEquals'; value: string }
  | { key: string; operator: 'in' | 'notIn'; values: string[] }
  | { key: string; operator: 'exists' | 'doesNotExist' };

export type LabelSelectorParse = { ok: true; requirements: LabelRequirement[] } | { ok: false; error: string };

export const MAX_SELECTOR_LENGTH = 1024;

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: '=' | '!=' | '!' | ',' | '(' | ')'; at: number }
  | { kind: 'end'; at: number };

const SPECIAL = new Set([' ', '\t', '\n', '\r', ',', '(', ')', '=', '!']);

class SelectorSyntaxError extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      at++;
    } else if (char === '=') {
      tokens.push({ kind: '=', at });
      at += source[at + 1] === '=' ? 2 : 1;
    } else if (char === '!') {
      const notEquals = source[at + 1] === '=';
      tokens.push({ kind: notEquals ? '!=' : '!', at });
      at += notEquals ? 2 : 1;
    } else if (char === ',' || char === '(' || char === ')') {
      tokens.push({ kind: char, at });
      at++;
    } else {
      const start = at;
      while (at < source.length && !SPECIAL.has(source[at])) at++;
      tokens.push({ kind: 'word', text: source.slice(start, at), at: start });
    }
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

const describe = (token: Token) =>
  token.kind === 'end' ? 'the end' : token.kind === 'word' ? `"${token.text}"` : `"${token.kind}"`;

function fail(token: Token, expected: string): never {
  throw new SelectorSyntaxError(`expected ${expected} at position ${token.at + 1}, found ${describe(token)}`);
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    return this.tokens[this.index++];
  }

  parse(): LabelRequirement[] {
    const requirements = [this.requirement()];
    while (this.peek().kind === ',') {
      this.next();
      requirements.push(this.requirement());
    }
    const rest = this.peek();
    if (rest.kind !== 'end') fail(rest, '"," or the end');
    return requirements;
  }

  private key(): string {
    const token = this.next();
    if (token.kind !== 'word') fail(token, 'a label key');
    const problem = labelKeyProblem(token.text);
    if (problem) throw new SelectorSyntaxError(`invalid label key "${token.text}": ${problem}`);
    return token.text;
  }

  /** A value may be empty (`k=` selects the empty value), as in Kubernetes. */
  private value(key: string): string {
    const token = this.peek();
    const value = token.kind === 'word' ? (this.next(), token.text) : '';
    const problem = labelValueProblem(value);
    if (problem) throw new SelectorSyntaxError(`invalid value "${value}" for "${key}": ${problem}`);
    return value;
  }

  private requirement(): LabelRequirement {
    if (this.peek().kind === '!') {
      this.next();
      return { key: this.key(), operator: 'doesNotExist' };
    }
    const key = this.key();
    const token = this.peek();
    if (token.kind === ',' || token.kind === 'end') return { key, operator: 'exists' };
    if (token.kind === '=' || token.kind === '!=') {
      this.next();
      return { key, operator: token.kind === '=' ? 'equals' : 'notEquals', value: this.value(key) };
    }
    if (token.kind === 'word' && (token.text === 'in' || token.text === 'notin')) {
      this.next();
      return { key, operator: token.text === 'in' ? 'in' : 'notIn', values: this.values(key, token.text) };
    }
    return fail(token, `=, ==, !=, in, notin, "," or the end after "${key}"`);
  }

  private values(key: string, operator: string): string[] {
    const open = this.next();
    if (open.kind !== '(') fail(open, `"(" after "${key} ${operator}"`);
    if (this.peek().kind === ')') {
      throw new SelectorSyntaxError(`"${key} ${operator} ()" needs at least one value`);
    }
    const values = [this.value(key)];
    while (this.peek().kind === ',') {
      this.next();
      values.push(this.value(key));
    }
    const close = this.next();
    if (close.kind !== ')') fail(close, `"," or ")" in the values of "${key} ${operator}"`);
    return [...new Set(values)];
  }
}

/** Parses a label selector; the error says what was expected where (positions count from 1). */
export function parseLabelSelector(source: string): LabelSelectorParse {
  if (source.length > MAX_SELECTOR_LENGTH) {
    return { ok: false, error: `must be at most ${MAX_SELECTOR_LENGTH} characters` };
  }
  if (source.trim() === '') return { ok: false, error: 'must not be empty' };
  try {
    return { ok: true, requirements: new Parser(tokenize(source)).parse() };
  } catch (error) {
    if (error instanceof SelectorSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Whether labels meet every requirement, with the SQL translation's meaning (`!=`, `notin`, `!k` match absence). */
export function labelsMatch(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return requirements.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const value = has ? labels[requirement.key] : undefined;
    switch (requirement.operator) {
      case 'equals':
        return value === requirement.value;
      case 'notEquals':
        return value !== requirement.value;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notIn':
        return value === undefined || !requirement.values.includes(value);
      case 'exists':
        return has;
      case 'doesNotExist':
        return !has;
    }
  });
}
