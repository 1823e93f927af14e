import { LabelRequirement, labelsMatch, MAX_SELECTOR_LENGTH, parseLabelSelector } from './label-selector';

describe('parseLabelSelector', () => {
  const valid: [string, LabelRequirement[]][] = [
    ['env=prod', [{ key: 'env', operator: 'equals', value: 'prod' }]],
    ['env==prod', [{ key: 'env', operator: 'equals', value: 'prod' }]],
    ['env!=prod', [{ key: 'env', operator: 'notEquals', value: 'prod' }]],
    ['env=', [{ key: 'env', operator: 'equals', value: '' }]],
    [' env = prod ', [{ key: 'env', operator: 'equals', value: 'prod' }]],
    ['region in (eu,us)', [{ key: 'region', operator: 'in', values: ['eu', 'us'] }]],
    ['region in ( eu , us , eu )', [{ key: 'region', operator: 'in', values: ['eu', 'us'] }]],
    ['region notin (eu)', [{ key: 'region', operator: 'notIn', values: ['eu'] }]],
    ['region in(eu,)', [{ key: 'region', operator: 'in', values: ['eu', ''] }]],
    ['deprecated', [{ key: 'deprecated', operator: 'exists' }]],
    ['!deprecated', [{ key: 'deprecated', operator: 'doesNotExist' }]],
    ['! deprecated', [{ key: 'deprecated', operator: 'doesNotExist' }]],
    ['example.com/tier=web', [{ key: 'example.com/tier', operator: 'equals', value: 'web' }]],
    ['a.b_c-d=E.f_G-9', [{ key: 'a.b_c-d', operator: 'equals', value: 'E.f_G-9' }]],
    ['in=notin', [{ key: 'in', operator: 'equals', value: 'notin' }]],
    [
      'env=prod,region in (eu,us),!deprecated',
      [
        { key: 'env', operator: 'equals', value: 'prod' },
        { key: 'region', operator: 'in', values: ['eu', 'us'] },
        { key: 'deprecated', operator: 'doesNotExist' },
      ],
    ],
    [
      'tier,env!=dev',
      [
        { key: 'tier', operator: 'exists' },
        { key: 'env', operator: 'notEquals', value: 'dev' },
      ],
    ],
  ];

  it.each(valid)('parses %j', (selector, requirements) => {
    expect(parseLabelSelector(selector)).toEqual({ ok: true, requirements });
  });

  const invalid: [string, RegExp][] = [
    ['', /must not be empty/],
    ['   ', /must not be empty/],
    ['=prod', /expected a label key at position 1, found "="/],
    ['env=prod,', /expected a label key at position 10, found the end/],
    [',env', /expected a label key at position 1/],
    ['env=prod,,tier', /expected a label key at position 10, found ","/],
    ['env prod', /expected =, ==, !=, in, notin, "," or the end after "env" at position 5, found "prod"/],
    ['env=prod tier', /expected "," or the end at position 10, found "tier"/],
    ['env===prod', /expected "," or the end at position 6, found "="/],
    ['region in eu', /expected "\(" after "region in" at position 11, found "eu"/],
    ['region in ()', /"region in \(\)" needs at least one value/],
    ['region notin (eu', /expected "," or "\)" in the values of "region notin" at position 17, found the end/],
    ['region in (eu us)', /expected "," or "\)" in the values of "region in" at position 15, found "us"/],
    ['region in (eu)x', /expected "," or the end at position 15, found "x"/],
    ['!env=prod', /expected "," or the end at position 5, found "="/],
    ['!', /expected a label key at position 2, found the end/],
    ['-env=prod', /invalid label key "-env": the name must be/],
    ['env=-prod', /invalid value "-prod" for "env": must be empty or/],
    ['Example.com/tier=web', /invalid label key "Example.com\/tier": the prefix must be a DNS subdomain/],
    ['/tier', /the prefix before "\/" must not be empty/],
    ['example.com/', /the name must not be empty/],
    [`${'k'.repeat(64)}=v`, /the name must be at most 63 characters/],
    [`env=${'v'.repeat(64)}`, /must be at most 63 characters/],
    ['env=a;b', /invalid value "a;b"/],
    ['env>1', /invalid label key "env>1"/],
    ['region in (eu,(us))', /found "\("/],
    [`env=${'a,'.repeat(MAX_SELECTOR_LENGTH)}`, /at most 1024 characters/],
  ];

  it.each(invalid)('refuses %j, saying why', (selector, message) => {
    const parsed = parseLabelSelector(selector);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toMatch(message);
  });
});

describe('labelsMatch', () => {
  const match = (selector: string, labels: Record<string, string>) => {
    const parsed = parseLabelSelector(selector);
    if (!parsed.ok) throw new Error(parsed.error);
    return labelsMatch(parsed.requirements, labels);
  };

  it.each([
    ['app=shop', { app: 'shop' }, true],
    ['app=shop', { app: 'blog' }, false],
    ['app!=shop', {}, true],
    ['app!=shop', { app: 'shop' }, false],
    ['region in (eu,us)', { region: 'us' }, true],
    ['region in (eu,us)', {}, false],
    ['region notin (eu,us)', {}, true],
    ['region notin (eu,us)', { region: 'eu' }, false],
    ['tier', { tier: '' }, true],
    ['!tier', { tier: '' }, false],
    ['app=shop,!deprecated', { app: 'shop', deprecated: '' }, false],
  ])('%s on %j → %s', (selector, labels, expected) => {
    expect(match(selector, labels)).toBe(expected);
  });
});
