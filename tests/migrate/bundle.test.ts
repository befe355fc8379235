import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { migrationProject, tsMigration } from './helpers.js';

/**
 * Issue 28: a run's pending TS migrations load as one bundle (src/migrate/bundle.ts). The bundle is
 * only a faster way to the same modules: each failure still names its own file and line, each file
 * keeps its own checksum, and what does not bundle loads file by file as before.
 */
describe.each(backends)('TS migrations loaded as one bundle, on $name', (backend) => {
  it('a failing migration names its own file:line; the ones before it are applied with their own checksums', async () => {
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration("await db.schema.createTable('a').addColumn('id', 'integer').execute();"),
      // An error thrown by the file's own code, a few lines down (line 8: inside helper()).
      '002_b.ts': tsMigration('helper();', undefined, '\nfunction helper(): never {\n  throw new Error("helper failed");\n}'),
      '003_c.ts': tsMigration("await sql`select * from no_such_table`.execute(db);"),
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.failure).toMatchObject({ name: '002_b', message: 'helper failed', line: 8, col: 9 });
    expect(error.failureReport).toContain('migrations/002_b.ts:8:9');
    expect(error.failureReport).toContain('throw new Error("helper failed")');
    const status = await p.migrator.status();
    expect(status.migrations.map((m) => [m.name, m.state])).toEqual([['001_a', 'applied'], ['002_b', 'pending'], ['003_c', 'pending']]);
    expect(status.summary.modified).toBe(0);

    // The next run, with 002 fixed, is another bundle; a SQL error names its file and SQLSTATE.
    p.write({ '002_b.ts': tsMigration("await db.schema.createTable('b').addColumn('id', 'integer').execute();") });
    const failed = await p.migrator.up().catch((e) => e);
    expect(failed.failure).toMatchObject({ name: '003_c', sqlstate: '42P01' });
    expect((await p.migrator.status()).summary).toMatchObject({ applied: 2, pending: 1, modified: 0 });
  });

  it('a file that does not parse is reported at its own file:line:col, as without the bundle', async () => {
    const p = await migrationProject(backend, {
      '001_a.ts': tsMigration("await db.schema.createTable('a').addColumn('id', 'integer').execute();"),
      '002_bad.ts': "import type { Kysely } from 'kysely';\nexport async function up(db: Kysely<any>) {\n  await db.schema.createTable('b' 'c').execute();\n}\n",
    });
    const error = await p.migrator.up().catch((e) => e);
    expect(error.message).toMatch(/^002_bad\.ts:3:\d+: cannot load migration: /);
    expect((await p.migrator.status()).summary.applied).toBe(0);
  });
});
