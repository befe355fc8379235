import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/driver/database.js';
import { catalogSnapshot } from '../../example/catalog.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { NO_VECTOR_REASON, serverHasVector } from '../../helpers/vector.js';
import { ok } from '../../backup/helpers.js';

async function catalogOf(url: string) {
  const database = await openDatabase({ url });
  try {
    return await catalogSnapshot(await database.kysely());
  } finally {
    await database.close();
  }
}

describe.each(backends)('example database backup round trip on $name', (backend) => {
  it('migrated and seeded: backup, restore into a new database, identical data and schema', async (ctx) => {
    if (backend.serverUrl && !(await serverHasVector(backend.serverUrl))) ctx.skip(NO_VECTOR_REASON);
    const src = await freshDatabase(backend);
    const dst = await freshDatabase(backend);
    const run = (args: string[]) => runCli(args, { cwd: ROOT });
    ok(await run(['--url', src.url, 'migrate', 'up']));
    ok(await run(['--url', src.url, 'seed']));
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-example-backup-')), 'example.dump');
    const backup = ok(await run(['--url', src.url, 'backup', '--out', out, '--json']));
    const manifest = JSON.parse(fs.readFileSync(`${out}.manifest.json`, 'utf8'));
    expect(manifest.migrations.summary).toMatchObject({ pending: 0, modified: 0, missing: 0 });
    expect(manifest.migrations.applied.length).toBe(manifest.migrations.summary.total);
    expect(manifest.roles).toEqual(expect.arrayContaining(['admin_role', 'educator_role', 'student_role']));
    expect(backup.rows).toBeGreaterThan(0);

    const restored = ok(await run(['restore', out, '--into', dst.url, '--json']));
    expect(restored).toMatchObject({ ok: true, differences: [], rows: backup.rows });
    // Policies, grants, triggers, functions, views and the HNSW index come back as well.
    expect(await catalogOf(dst.url)).toEqual(await catalogOf(src.url));
  });
});
