import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { testMigrations } from '../../src/migrate-test/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';
import { sqlMigration, tsMigration } from '../migrate/helpers.js';

/** A project whose migrations test on a throwaway database beside `backend`'s (a server's, or embedded). */
async function project(backend: (typeof backends)[number], files: Record<string, string>) {
  const cwd = tempProject(Object.fromEntries(Object.entries(files).map(([k, v]) => [`migrations/${k}`, v])));
  const url = backend.serverUrl ? (await freshDatabase(backend)).url : undefined;
  return resolveConfig({ cwd, url, environ: {} });
}

const table = sqlMigration('create table t (id bigint primary key, a text, owner text);', 'drop table t;');

describe.each(backends)('migrate test on $name', (backend) => {
  it('passes a folder whose downs undo their ups, skipping and listing an irreversible one and testing those after it', async () => {
    const config = await project(backend, {
      '001_t.sql': table,
      '002_audit.sql': sqlMigration('create table audit (id bigint primary key);'),
      '003_index.ts': tsMigration(
        `await db.schema.createIndex('t_a_idx').on('t').column('a').execute();\n  await sql\`comment on table audit is 'kept'\`.execute(db);`,
        `await sql\`comment on table audit is null\`.execute(db);\n  await db.schema.dropIndex('t_a_idx').execute();`,
      ),
    });
    const report = await testMigrations({ config });
    expect(report.results.map((r) => [r.name, r.status])).toEqual([['001_t', 'ok'], ['002_audit', 'irreversible'], ['003_index', 'ok']]);
    expect(report).toMatchObject({ ok: true, irreversible: ['002_audit'], failed: null, summary: { migrations: 3, passed: 2, irreversible: 1 } });
  });

  it('reports the first down that forgets an index, a column default or a policy, with what differs', async () => {
    const config = await project(backend, {
      '001_t.sql': table,
      '002_index.sql': sqlMigration('create index t_a_idx on t (a);', '-- forgot: drop index t_a_idx'),
      '003_default.sql': sqlMigration(`alter table t alter column a set default 'x';`, 'select 1; -- forgot: alter column a drop default'),
      '004_policy.sql': sqlMigration(
        'alter table t enable row level security;\ncreate policy t_owner on t using (owner = current_user);',
        'alter table t disable row level security; -- forgot: drop policy t_owner on t',
      ),
    });
    const index = await testMigrations({ config });
    expect(index.results.map((r) => [r.name, r.status, r.phase])).toEqual([['001_t', 'ok', undefined], ['002_index', 'mismatch', 'down']]);
    expect(index.failed).toBe('002_index');
    expect(index.results[1].differences).toMatchObject({ missing: [], changed: [], extra: [{ kind: 'index', name: 't_a_idx on public.t' }] });

    const fallback = await testMigrations({ config, from: '003_default' });
    expect(fallback.results.map((r) => r.name)).toEqual(['003_default']);
    expect(fallback.results[0].differences?.changed).toEqual([
      { kind: 'column', name: 'public.t.a', changes: [{ field: 'default', expected: null, actual: "'x'::text" }] },
    ]);

    const policy = await testMigrations({ config, from: '004_policy' });
    expect(policy.results[0]).toMatchObject({ name: '004_policy', status: 'mismatch', differences: { extra: [{ kind: 'policy', name: 't_owner on public.t' }] } });
  });
});
