import { rememberReturnTo, safeReturnTo, takeReturnTo } from '@agent-controller/console-core';

describe('safeReturnTo', () => {
  it.each([
    ['/clients', '/clients'],
    [
      '/clients/11111111-1111-4111-8111-111111111111?tab=usage',
      '/clients/11111111-1111-4111-8111-111111111111?tab=usage',
    ],
    ['/clients/c1/agents/a1/chat?terminal=open#end', '/clients/c1/agents/a1/chat?terminal=open#end'],
    ['/clients/./c1/../c2', '/clients/c2'],
  ])('keeps the console page %s', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });

  it.each([
    ['another site by scheme', 'https://evil.example/clients'],
    ['another site without a scheme', '//evil.example/clients'],
    ['another site behind a backslash', '/\\evil.example'],
    ['a backslash later on', '/clients\\..\\..\\evil'],
    ['a script', 'javascript:alert(1)'],
    ['a relative path', 'clients'],
    ['a tab in the host part', '/\t/evil.example'],
    ['a line break', '/clients\n'],
    ['the log-in page', '/login?returnTo=%2Fclients'],
    ['the realm callback', '/auth/callback?code=x'],
    ['a path that walks back to the log-in page', '/clients/../login'],
    ['an empty value', ''],
    ['no string', ['/clients']],
    ['a very long value', `/${'a'.repeat(3000)}`],
  ])('refuses %s', (_label, value) => {
    expect(safeReturnTo(value)).toBeNull();
  });
});

describe('rememberReturnTo and takeReturnTo', () => {
  beforeEach(() => sessionStorage.clear());

  it('keeps a console page through the realm redirect and gives it back once', () => {
    rememberReturnTo('/clients/c1/agents');
    expect(takeReturnTo()).toBe('/clients/c1/agents');
    expect(takeReturnTo()).toBeNull();
  });

  it('keeps nothing for another site, and forgets an older page then', () => {
    rememberReturnTo('/clients/c1');
    rememberReturnTo('//evil.example');
    expect(takeReturnTo()).toBeNull();
  });

  it('refuses a value planted in storage directly', () => {
    sessionStorage.setItem('agent-controller.returnTo', 'https://evil.example');
    expect(takeReturnTo()).toBeNull();
  });
});
