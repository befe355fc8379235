import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { withSqlConsole } from '../../src/console/index.js';
import { detectDrift } from '../../src/schema/index.js';
import { migrateUp } from '../../src/flows/migrate-up.js';
import { exampleDatabase, MIGRATIONS_DIR, type ExampleDatabase } from '../example/helpers.js';
import { backends } from '../helpers/backends.js';

/**
 * `migrate up --dry-run --out DIR` on the example: the files, applied by hand in name order (psql
 * on the server, as a DBA would; dbctl's own SQL console on the embedded database, which psql
 * cannot reach), leave `migrate status` clean and `schema drift` empty.
 */
describe.each(backends)('review artifacts of the example on $name', (backend) => {
  let example: ExampleDatabase;
  let cwd: string;
  beforeAll(async () => {
    example = await exampleDatabase(backend, { migrate: false });
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-artifacts-'));
  });
  afterAll(async () => {
    await example?.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('one file per pending migration, applied by hand, is what migrate up does', async (ctx) => {
    if (!example.hasVector) ctx.skip('this server has no pgvector');
    const config = await resolveConfig({ cwd, url: example.test.url, environ: {}, migrationsDir: MIGRATIONS_DIR });
    const report = await migrateUp({ database: example.database, config, dryRun: true, out: 'review' });
    const files = report.artifacts!.files;
    expect(files.map((f) => path.basename(f.file))).toEqual(fs.readdirSync(MIGRATIONS_DIR).map((f) => `${f.replace(/\.(sql|ts)$/, '')}.sql`));
    const ts = fs.readFileSync(files[2].file, 'utf8');
    expect(ts).toMatch(/^-- 20261122170300_interactions \(20261122170300_interactions\.ts\)/);
    expect(ts).toMatch(/-- Written against: PostgreSQL \d+/);
    expect(ts).toContain('psql -v ON_ERROR_STOP=1 -1 -f 20261122170300_interactions.sql');
    expect(ts).toMatch(/create table "interactions"/);
    expect(ts).toMatch(/insert into "public"\."dbctl_migration"/);
    expect((await example.migrator.status()).summary.applied).toBe(0);

    for (const f of files) {
      if (backend.serverUrl) {
        const psql = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(f.transaction ? ['-1'] : []), '-d', example.test.url, '-f', f.file], { encoding: 'utf8' });
        expect(psql.stderr.replace(/^psql:.*NOTICE:.*\n?/gm, '')).toBe('');
        expect(psql.status).toBe(0);
      } else {
        const outcomes = await withSqlConsole(example.database, {}, (c) => c.run(fs.readFileSync(f.file, 'utf8')));
        expect(outcomes.filter((o) => o.kind === 'error')).toEqual([]);
      }
    }
    const status = await example.migrator.status();
    expect(status.migrations.map((m) => m.state)).toEqual(files.map(() => 'applied'));
    await example.migrator.verify();
    expect((await detectDrift(example.database, config)).diff.equal).toBe(true);
    expect((await migrateUp({ database: example.database, config })).run.results).toEqual([]);
  });

  it('--out needs --dry-run', async () => {
    const config = await resolveConfig({ cwd, url: example.test.url, environ: {}, migrationsDir: MIGRATIONS_DIR });
    await expect(migrateUp({ database: example.database, config, out: 'x' })).rejects.toThrow(/--out writes the SQL of a dry run: add --dry-run/);
  });
});
