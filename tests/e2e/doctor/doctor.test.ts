import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SECTIONS } from '../../../src/doctor/report.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject, writeFiles } from '../../helpers/cli.js';
import { migration } from '../../testdb/helpers.js';

describe.each(backends)('dbctl doctor on $name', (backend) => {
  it('reports every section as JSON, exit 0 when all is well and 4 with a pending migration', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_items.sql': migration('create table items (id int primary key);') });
    const env = { DATABASE_URL: t.url };
    expect((await runArgv(['migrate', 'up'], { cwd, env })).code).toBe(0);

    const well = await runCli(['doctor', '--json'], { cwd, env });
    expect(well.code, well.stdout + well.stderr).toBe(0);
    const report = well.json();
    expect(report).toMatchObject({ ok: true, attention: [] });
    expect(Object.keys(report.sections)).toEqual([...SECTIONS]);
    for (const s of Object.values<any>(report.sections)) {
      expect(['ok', 'attention', 'unknown', 'skipped']).toContain(s.status);
      expect(typeof s.summary).toBe('string');
    }
    expect(report.sections.config).toMatchObject({ env: 'development', urlSource: 'env' });
    expect(report.sections.connection).toMatchObject({ status: 'ok', backend: backend.name, ssl: backend.name === 'pg' ? false : null });
    expect(report.sections.connection.serverVersion).toMatch(/^\d+/);
    expect(report.sections.migrations).toMatchObject({ status: 'ok', applied: 1, pending: 0 });
    expect(report.sections.extensions.vector).toMatchObject({ needed: false });
    expect(report.sections.pglite.status).toBe(backend.name === 'pglite' ? 'ok' : 'skipped');
    expect(report.sections.lock.status).toBe(backend.name === 'pg' ? 'ok' : 'skipped');

    writeFiles(cwd, { 'migrations/002_tags.sql': migration('create table tags (id int);') });
    const pending = await runArgv(['doctor', '--json'], { cwd, env });
    expect(pending.code).toBe(4);
    expect(pending.json()).toMatchObject({ ok: false, attention: ['migrations'], sections: { migrations: { status: 'attention', pending: 1, pendingNames: ['002_tags'] } } });

    const human = await runArgv(['doctor'], { cwd, env });
    expect(human.code).toBe(4);
    expect(human.stdout).toMatch(/!!\s+migrations\s+1 applied, 1 pending/);
    expect(human.stdout).toContain('needs attention: migrations');
  });

  it('finds a session idle in a transaction on a managed table (native only: PGlite is one session)', async (ctx) => {
    if (backend.name === 'pglite') ctx.skip('PGlite is a single session: no other session can sit idle in a transaction');
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_items.sql': migration('create table items (id int primary key);') });
    const env = { DATABASE_URL: t.url };
    expect((await runArgv(['migrate', 'up'], { cwd, env })).code).toBe(0);

    const idle = new pg.Client({ connectionString: t.url, application_name: 'forgotten-tx' });
    await idle.connect();
    try {
      await idle.query('begin');
      await idle.query('select * from items');
      const pid = (await idle.query('select pg_backend_pid() as pid')).rows[0].pid;
      const r = await runArgv(['doctor', '--json'], { cwd, env });
      expect(r.code).toBe(4);
      const sessions = r.json().sections.sessions;
      expect(r.json().attention).toEqual(['sessions']);
      expect(sessions.status).toBe('attention');
      expect(sessions.sessions).toEqual([expect.objectContaining({ pid, state: 'idle in transaction', applicationName: 'forgotten-tx', tables: ['public.items'] })]);
    } finally {
      await idle.query('rollback').catch(() => {});
      await idle.end();
    }
  });
});
