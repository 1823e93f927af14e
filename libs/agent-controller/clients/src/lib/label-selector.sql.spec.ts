import { parseLabelSelector } from '@agent-controller/shared-contracts';
import { labelSelectorCondition } from './label-selector.sql';

function conditionOf(selector: string) {
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw new Error(parsed.error);
  return labelSelectorCondition(parsed.requirements, 'c.labels', 's');
}

describe('labelSelectorCondition', () => {
  it.each([
    ['env=prod', '(c.labels @> CAST(:s0 AS jsonb))', { s0: '{"env":"prod"}' }],
    ['env!=prod', '(NOT (c.labels @> CAST(:s0 AS jsonb)))', { s0: '{"env":"prod"}' }],
    [
      'region in (eu,us)',
      '((c.labels @> CAST(:s0 AS jsonb) OR c.labels @> CAST(:s1 AS jsonb)))',
      { s0: '{"region":"eu"}', s1: '{"region":"us"}' },
    ],
    ['region notin (eu)', '(NOT (c.labels @> CAST(:s0 AS jsonb)))', { s0: '{"region":"eu"}' }],
    ['tier', '(c.labels ? :s0)', { s0: 'tier' }],
    ['!tier', '(NOT (c.labels ? :s0))', { s0: 'tier' }],
    [
      'env=prod,!deprecated',
      '(c.labels @> CAST(:s0 AS jsonb)) AND (NOT (c.labels ? :s1))',
      { s0: '{"env":"prod"}', s1: 'deprecated' },
    ],
  ])('translates %j with every key and value bound', (selector, sql, parameters) => {
    expect(conditionOf(selector)).toEqual({ sql, parameters });
  });

  it('never puts a key or value into the SQL text', () => {
    const { sql } = conditionOf('example.com/tier=x,o_r in (a.b,c-d)');
    expect(sql).not.toMatch(/example|a\.b|c-d|o_r/);
  });
});
