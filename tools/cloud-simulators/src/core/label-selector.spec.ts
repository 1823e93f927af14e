import { LabelSelectorError, matchesLabelSelector, parseLabelSelector } from './label-selector';

describe('label selectors', () => {
  const labels = { 'managed-by': 'agent-provisioner', env: 'prod', 'example.com/team': 'a' };
  const matches = (selector: string): boolean => matchesLabelSelector(labels, parseLabelSelector(selector));

  it.each([
    ['managed-by=agent-provisioner', true],
    ['managed-by==agent-provisioner', true],
    ['managed-by=other', false],
    ['env', true],
    ['missing', false],
    ['!missing', true],
    ['!env', false],
    ['env!=dev', true],
    ['env!=prod', false],
    ['missing!=x', true],
    ['env in (dev,prod)', true],
    ['env in (dev, test)', false],
    ['env notin (dev,test)', true],
    ['missing notin (a)', true],
    ['example.com/team=a', true],
    ['managed-by=agent-provisioner,env=prod', true],
    ['managed-by=agent-provisioner, env=dev', false],
    ['env in (dev,prod),managed-by', true],
    ['', true],
  ])('%j → %s', (selector, expected) => {
    expect(matches(selector)).toBe(expected);
  });

  it('reads an empty value', () => {
    expect(matchesLabelSelector({ flag: '' }, parseLabelSelector('flag='))).toBe(true);
  });

  it.each(['a=b,', 'env in (a,b', 'a)', 'bad key=x', 'k=' + 'v'.repeat(64), '-k=v'])('rejects %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });
});
