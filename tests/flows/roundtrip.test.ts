import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { testMigrations } from '../../src/flows/round-trip.js';
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

  it('reports the first down that forgets an index, a column default and a policy, with what differs', async () => {
    const config = await project(backend, {
      '001_t.sql': table,
      '002_forgetful.sql': sqlMigration(
        `create index t_a_idx on t (a);\nalter table t alter column a set default 'x';\nalter table t enable row level security;\ncreate policy t_owner on t using (owner = current_user);`,
        'alter table t disable row level security; -- forgot the index, the default and the policy',
      ),
      '003_after.sql': sqlMigration('create table after_it (id bigint primary key);', 'drop table after_it;'),
    });
    const report = await testMigrations({ config });
    expect(report.results.map((r) => [r.name, r.status, r.phase])).toEqual([['001_t', 'ok', undefined], ['002_forgetful', 'mismatch', 'down']]);
    expect(report).toMatchObject({ ok: false, failed: '002_forgetful' });
    expect(report.results[1].differences).toEqual({
      equal: false,
      missing: [],
      extra: [
        expect.objectContaining({ kind: 'index', name: 't_a_idx on public.t' }),
        expect.objectContaining({ kind: 'policy', name: 't_owner on public.t' }),
      ],
      changed: [{ kind: 'column', name: 'public.t.a', changes: [{ field: 'default', expected: null, actual: "'x'::text" }] }],
    });

    // --from starts later: what comes before is applied, untested.
    const later = await testMigrations({ config, from: '003_after' });
    expect(later.results.map((r) => [r.name, r.status])).toEqual([['003_after', 'ok']]);
  });
});
