import { LabelRequirement, parseLabelSelector } from '@agent-controller/shared-contracts';

/** A condition on a labels column with its bound parameters (TypeORM `:name` style). */
export interface SqlCondition {
  sql: string;
  parameters: Record<string, string | string[]>;
}

/**
 * Translates parsed selector requirements into one SQL condition on `column` (a jsonb of key → value). Every key
 * and value is a bound parameter, never spliced into the text. Containment (`@>`) and key existence (`?`) are what
 * the GIN index (jsonb_ops) answers; `!=`, `notin` and `!k` are their negations, so they also match clients
 * without the key, as in Kubernetes. `prefix` keeps parameter names apart from the rest of the query.
 */
export function labelSelectorCondition(
  requirements: readonly LabelRequirement[],
  column: string,
  prefix = 'selector',
): SqlCondition {
  const parameters: Record<string, string> = {};
  const bind = (value: string) => {
    const name = `${prefix}${Object.keys(parameters).length}`;
    parameters[name] = value;
    return `:${name}`;
  };
  const contains = (key: string, value: string) =>
    `${column} @> CAST(${bind(JSON.stringify({ [key]: value }))} AS jsonb)`;
  const containsAny = (key: string, values: readonly string[]) =>
    `(${values.map((value) => contains(key, value)).join(' OR ')})`;
  const hasKey = (key: string) => `${column} ? ${bind(key)}`;

  const conditions = requirements.map((requirement) => {
    switch (requirement.operator) {
      case 'equals':
        return contains(requirement.key, requirement.value);
      case 'notEquals':
        return `NOT (${contains(requirement.key, requirement.value)})`;
      case 'in':
        return containsAny(requirement.key, requirement.values);
      case 'notIn':
        return `NOT ${containsAny(requirement.key, requirement.values)}`;
      case 'exists':
        return hasKey(requirement.key);
      case 'doesNotExist':
        return `NOT (${hasKey(requirement.key)})`;
    }
  });
  return { sql: conditions.map((condition) => `(${condition})`).join(' AND '), parameters };
}

/** The condition for a selector the request schema has already accepted (a refused one never gets here). */
export function selectorCondition(selector: string, column: string, prefix = 'selector'): SqlCondition {
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw new Error(`selector was not validated: ${parsed.error}`);
  return labelSelectorCondition(parsed.requirements, column, prefix);
}
