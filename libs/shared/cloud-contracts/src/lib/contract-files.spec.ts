import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OPENAPI_DIR, OPENAPI_FILES } from '../testing';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..', '..');

describe('kept contract files', () => {
  it.each(Object.entries(OPENAPI_FILES))('%s matches the sha256 the README records', (_provider, file) => {
    const readme = readFileSync(join(OPENAPI_DIR, 'README.md'), 'utf8');
    const name = file.slice(OPENAPI_DIR.length + 1);
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    const recorded = row?.match(/`([0-9a-f]{64})`/)?.[1];
    expect(recorded).toBeDefined();
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(recorded);
  });

  it('has generated types that are up to date with the contract files', () => {
    const result = spawnSync(process.execPath, ['tools/scripts/generate-cloud-contracts.mjs', '--check'], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`).not.toContain('out of date');
    expect(result.status).toBe(0);
  }, 30_000);
});
