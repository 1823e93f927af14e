import 'reflect-metadata';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres, openDataSource } from '@agent-controller/database';
import { ENTITIES } from '../app/entities';

const onServer = Boolean(process.env['TEST_DATABASE_URL']);

describe('embedded database start-up', { skip: onServer && 'the embedded database only' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'ac-embedded-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('initialises a new data directory and opens it with small shared memory, also on the next start', async () => {
    const dataDir = join(root, 'new', 'postgres');
    for (let start = 0; start < 2; start++) {
      const dataSource = await openDataSource({ kind: 'embedded', dataDir }, ENTITIES);
      try {
        const [setting]: { shared_buffers: string }[] = await dataSource.query('SHOW shared_buffers');
        assert.equal(setting.shared_buffers, '16MB');
      } finally {
        await dataSource.destroy();
      }
    }
  });

  it('says why the first start failed and releases the lock', async () => {
    // A regular file where the data directory should be: initdb cannot create it.
    const dataDir = join(root, 'blocked');
    writeFileSync(dataDir, 'not a directory');
    await assert.rejects(
      EmbeddedPostgres.open(dataDir),
      /Embedded database initialisation failed \(exit code 1\): .+/s,
    );
    await assert.rejects(
      EmbeddedPostgres.open(dataDir),
      /initialisation failed/,
      'a second attempt is not refused as locked',
    );
  });
});
