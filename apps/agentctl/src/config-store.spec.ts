import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, readLogin, removeLogin, writeLogin } from './config-store';

describe('config store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agentctl-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/me' })).toBe('/xdg/agentctl/config.json');
    expect(configPath({ HOME: '/home/me' })).toBe('/home/me/.config/agentctl/config.json');
  });

  it('writes the login readable by its owner only, also over a file that was readable by others', () => {
    const path = join(dir, 'agentctl', 'config.json');
    writeLogin(path, { url: 'http://a', token: 'old', email: null, expiresAt: null });
    writeFileSync(path, '{}', { mode: 0o644 });
    const login = { url: 'http://c', token: 't', email: 'e@example.com', expiresAt: '2030-01-01T00:00:00.000Z' };
    writeLogin(path, login);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'agentctl')).mode & 0o777).toBe(0o700);
    expect(readLogin(path)).toEqual(login);
  });

  it('reads nothing from a missing or foreign file, and removes the login', () => {
    const path = join(dir, 'config.json');
    expect(readLogin(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ url: 3 }));
    expect(readLogin(path)).toBeUndefined();
    expect(removeLogin(path)).toBe(true);
    expect(removeLogin(path)).toBe(false);
  });
});
