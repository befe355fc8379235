import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject, type CliResult } from '../../helpers/cli.js';

/** User mistakes get one line and their exit code, never "internal error", and --json always prints a document (issue 12). */
const native = backends.find((b) => b.name === 'pg');
const migration = '-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n';

function expectOneLine(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |Unhandled/);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error:')).join('\n')).toMatch(message);
}

describe.each(backends)('targets, folders and user errors on $name', (backend) => {
  it('names the target on its first line (stderr) and as `target` in JSON', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_a.sql': migration });
    const human = await runCli(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr.split('\n')[0]).toMatch(/^target: .* \(development environment, from DATABASE_URL\)$/);
    const json = await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: t.url } });
    expect(json.json().target).toMatchObject({ env: 'development', source: 'DATABASE_URL', url: t.url.replace(/:[^:@/]*@/, ':***@') });
  });

  it('run from a subfolder, a command finds the project', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'dbctl.config.json': '{}', 'migrations/001_a.sql': migration });
    const fromSub = await runArgv(['migrate', 'up', '--json'], { cwd: path.join(cwd, 'migrations'), env: { DATABASE_URL: t.url } });
    expect(fromSub.code, fromSub.stderr).toBe(0);
    expect(fromSub.json().results).toHaveLength(1);
  });

  it('a types file under a path whose parent is a file is a user error (exit 2), not a bug', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_a.sql': migration, 'blocker': 'a file' });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    const r = await runArgv(['typegen', '--out', 'blocker/types.ts'], { cwd, env: { DATABASE_URL: t.url } });
    expectOneLine(r, 2, /cannot (open|write) .*blocker.*: a parent of it is not a directory \(ENOTDIR\)/);
  });

  it('a query a TS migration forgot to await is reported against its file, and nothing is recorded', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({
      'migrations/001_unawaited.ts': "import { sql } from 'kysely';\nexport async function up(db: any) {\n  await sql`create table u (id int)`.execute(db);\n  sql`select 1/0`.execute(db);\n}\n",
    });
    const r = await runCli(['migrate', 'up', '--json'], { cwd, env: { DATABASE_URL: t.url } });
    expectOneLine(r, 1, /migrations\/001_unawaited\.ts: a query \(or promise\) was not awaited and failed: division by zero/);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'unawaited_rejection' } });
    const status = (await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: t.url } })).json();
    expect(status.summary.applied).toBe(0);
  });
});

describe.runIf(native)('permissions (server)', () => {
  it('migrate up as a role without rights on the bookkeeping tables: exit 5, one line', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({ 'migrations/001_a.sql': migration, 'migrations/002_b.sql': '-- migrate:up\ncreate table b (id int);\n' });
    expect((await runArgv(['migrate', 'up', '--step', '1'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    const role = `dbctl_norights_${process.pid}`;
    try {
      await admin.query(`drop role if exists ${role}; create role ${role} login; grant usage, create on schema public to ${role}`);
      const url = new URL(t.url);
      url.username = role;
      const r = await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: url.toString() } });
      expectOneLine(r, 5, /permission denied: permission denied for table/);
    } finally {
      await admin.query(`drop owned by ${role}; drop role ${role}`).catch(() => {});
      await admin.end();
    }
  });
});
