import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { backends } from '../helpers/backends.js';
import { migrationProject, sqlMigration } from '../migrate/helpers.js';

/**
 * A generated migration's statements run under the runner's lock_timeout, in its transaction:false
 * section too: blocked by a lock another session holds, the statement gives up and is retried
 * (the runner's 'retry' event) instead of queueing behind the lock, with every query after it.
 * Server only: a lock another session holds needs a second session.
 */
// Without a server the suite is skipped, not absent: `describe.each([])` is "No test suite found", a failed file.
const native = backends.find((b) => b.name === 'pg');
describe.runIf(native)('a generated migration under lock_timeout (server; skipped without TEST_DATABASE_URL)', () => {
  const backend = native!;
  it('gives up waiting for a held lock and is retried, then applies', async () => {
    const p = await migrationProject(backend, { '001_t.sql': sqlMigration('create table t (id int primary key);', 'drop table t;') });
    await p.migrator.up();
    fs.writeFileSync(path.join(p.cwd, 'schema.sql'), 'create table t (id int primary key, note text);\ncreate index t_note on t (note);\n');
    const config = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {}, database: false });
    const written = await migrateDiff(config, { name: 'add_note', schemaPath: 'schema.sql' });
    expect(written.text).toContain('-- migrate:up transaction:false');

    const migrator = await p.reload({ ddlLockTimeout: '300ms' });
    const blocker = new pg.Client({ connectionString: p.url });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table t in access exclusive mode');
      const run = migrator.up();
      for (let i = 0; i < 600 && !p.events.some((e) => e.type === 'retry'); i++) await new Promise((r) => setTimeout(r, 50));
      await blocker.query('commit');
      const report = await run;
      expect(report.results.map((r) => r.status)).toEqual(['success']);
    } finally {
      await blocker.end();
    }
    const retries = p.events.filter((e) => e.type === 'retry').map((e) => (e as { retry: { name: string } }).retry.name);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((name) => name.endsWith('_add_note'))).toBe(true);
    expect(await p.query(`select indexname from pg_indexes where tablename = 't' order by 1`)).toEqual([{ indexname: 't_note' }, { indexname: 't_pkey' }]);
  }, 300_000);
});
