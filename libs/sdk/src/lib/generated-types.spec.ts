import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');

describe('generated SDK types', () => {
  it('are what npm run sdk:generate writes from the committed OpenAPI document', () => {
    const result = spawnSync(process.execPath, ['tools/scripts/generate-sdk.mjs', '--check'], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`).toContain('up to date');
    expect(result.status).toBe(0);
  }, 60_000);
});
