import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { BIN, envWithout, runCli, tempProject, writeFiles, diagnostics } from '../../helpers/cli.js';
import { createTable, sqlMigration } from '../../migrate/helpers.js';

const project = (files: Record<string, string>) => tempProject(Object.fromEntries(Object.entries(files).map(([k, v]) => [`migrations/${k}`, v])));
const native = backends.find((b) => b.name === 'pg');

describe.each(backends)('dbctl migrate (CLI) on $name', (backend) => {
  // One pending TS file is loaded through jiti; two or more are bundled: both must share dbctl's Kysely.
  it.each([1, 2])("gives a TS migration dbctl's own Kysely instance, though the CLI is a bundle (%i pending)", async (count) => {
    const t = await freshDatabase(backend);
    const migration = (name: string) => `import { Kysely, Transaction, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db instanceof Kysely) || !(db instanceof Transaction)) throw new Error('dbctl and this migration load two copies of Kysely');
  if (typeof jsonArrayFrom !== 'function') throw new Error('a subpath of kysely does not load');
  await sql\`create table ${name} (id int)\`.execute(db);
}
`;
    const cwd = project(Object.fromEntries(Array.from({ length: count }, (_, i) => [`00${i + 1}_same.ts`, migration(`same_${i}`)])));
    const up = await runCli(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } });
    expect(diagnostics(up.stderr)).toBe('');
    expect(up.code).toBe(0);
  });

  it('prints one JSON document per command and exits with the documented codes', async () => {
    const t = await freshDatabase(backend);
    const cwd = project({ '001_a.sql': createTable('a'), '002_b.sql': createTable('b') });
    const env = { DATABASE_URL: t.url };

    const pending = await runCli(['migrate', 'status', '--json', '--check'], { cwd, env });
    expect(pending.code).toBe(4);
    const doc = pending.json();
    expect(doc).toMatchObject({ ok: false, error: { code: 'status_check' } });
    expect(doc.summary).toMatchObject({ total: 2, pending: 2, applied: 0 });
    expect(Object.keys(doc.migrations[0]).sort()).toEqual(['appliedAt', 'appliedBy', 'batch', 'checksum', 'durationMs', 'file', 'kind', 'name', 'state', 'unordered']);

    const up = await runArgv(['migrate', 'up', '--json'], { cwd, env });
    expect(up.code).toBe(0);
    expect(up.json()).toMatchObject({ ok: true, direction: 'up', batch: 1, results: [{ name: '001_a', status: 'success' }, { name: '002_b', status: 'success' }] });

    const status = await runArgv(['migrate', 'status', '--check'], { cwd, env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/001_a\s+applied/);
    expect(status.stdout).toContain('2 migration(s): 2 applied, 0 pending');
  });

  it('reports a failing migration on stderr with file:line:col and exits 1; status tells the truth', async () => {
    const t = await freshDatabase(backend);
    const cwd = project({ '001_a.sql': createTable('a'), '002_bad.sql': sqlMigration('create table b (id int);\nselect nope from b;') });
    const up = await runArgv(['migrate', 'up', '--json'], { cwd, env: { DATABASE_URL: t.url } });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('migrations/002_bad.sql:3:8: column "nope" does not exist');
    expect(up.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user mistake
    const doc = up.json();
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ code: 'migration_failed', failure: { name: '002_bad', sqlstate: '42703', line: 3, col: 8 } });
    expect(doc.error.results.map((r: any) => r.status)).toEqual(['success', 'failed']);
    const status = await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: t.url } });
    expect(status.json().migrations.map((m: any) => m.state)).toEqual(['applied', 'pending']);
  });

  it('refuses drift with exit 5 and a one-line error naming the file', async () => {
    const t = await freshDatabase(backend);
    const cwd = project({ '001_a.sql': createTable('a') });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    writeFiles(cwd, { 'migrations/001_a.sql': createTable('a') + '\n-- changed' });
    const up = await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } });
    expect(up.code).toBe(5);
    expect(up.stderr).toMatch(/^error: applied migrations do not match their files: 001_a \(changed since it was applied\)$/m);
    expect((await runArgv(['migrate', 'verify'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(4);
  });

  it('creates new migration files from templates', async () => {
    const cwd = project({ '.keep': '' });
    const ts = await runArgv(['migrate', 'new', 'add users', '--json'], { cwd });
    expect(ts.code).toBe(0);
    expect(ts.json().file).toMatch(/^migrations\/\d{14}_add_users\.ts$/);
    const sql = await runArgv(['migrate', 'new', 'add_index', '--sql'], { cwd });
    expect(sql.stdout).toMatch(/created migrations\/\d{14}_add_index\.sql/);
  });
});

describe('dbctl usage and connection errors', () => {
  it('gives up on an unreachable port within --connect-timeout with a clear message and no password', async () => {
    const cwd = project({ '.keep': '' });
    const started = Date.now();
    const r = await runArgv(['migrate', 'status', '--connect-timeout', '1500ms', '--url', 'postgres://app:s3cretpw@127.0.0.1:1/app'], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: cannot connect to 127\.0\.0\.1:1\/app: .*ECONNREFUSED.*gave up after/);
    expect(r.stderr).toContain('hint:');
    expect(r.stdout + r.stderr).not.toContain('s3cretpw');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('prints the resolved config with the password redacted', async () => {
    const cwd = project({ '.keep': '' });
    const r = await runArgv(['config', '--json'], { cwd, env: { DATABASE_URL: 'postgres://app:s3cretpw@db.internal:5432/app' } });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ url: 'postgres://app:***@db.internal:5432/app', urlSource: 'env', env: 'development' });
    expect(r.stdout).not.toContain('s3cretpw');
  });

  it('a second process on the same embedded database waits up to --lock-timeout, then exits 6 naming the holder', async () => {
    const cwd = project({ '.keep': '' });
    // The first process holds the directory inside a migration that says it started and then waits
    // for a file this test writes once the second has given up: it cannot finish early (and let go)
    // however slow the machine, and the second is started only once the first surely holds it.
    const started = path.join(cwd, 'started');
    const release = path.join(cwd, 'release');
    writeFiles(cwd, {
      'migrations/001_hold.mjs': `import fs from 'node:fs';
export async function up() {
  fs.writeFileSync(${JSON.stringify(started)}, '');
  while (!fs.existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 20));
}
export async function down() {}
`,
    });
    const first = spawn(process.execPath, [BIN, 'migrate', 'up'], { cwd, env: envWithout(['DATABASE_URL']) });
    let firstStderr = '';
    first.stderr.on('data', (d) => (firstStderr += d));
    const firstExit = new Promise<number | null>((r) => first.on('close', r));
    try {
      for (let i = 0; i < 1200 && !fs.existsSync(started) && first.exitCode === null; i++) await sleep(50);
      expect(fs.existsSync(started), `the first process never reached its migration: ${firstStderr}`).toBe(true);
      const second = await runCli(['migrate', 'status'], { cwd, env: { DBCTL_LOCK_TIMEOUT: '500ms' } });
      expect(second.code).toBe(6);
      expect(second.stderr).toMatch(new RegExp(`timed out after 0\\.5 s waiting for embedded database .*\\.dbctl/pglite: in use by another process \\(pid ${first.pid},`));
    } finally {
      fs.writeFileSync(release, '');
      expect(await firstExit, firstStderr).toBe(0);
    }
  });
});

describe('embedded database lock file', () => {
  it('takes over a lock left by a process that died (kill -9 leaves the file behind)', async () => {
    const cwd = project({ '001_a.sql': createTable('a') });
    fs.mkdirSync(path.join(cwd, '.dbctl'), { recursive: true });
    // A pid that cannot be alive: beyond the kernel's pid_max.
    fs.writeFileSync(path.join(cwd, '.dbctl/pglite.lock'), JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    const r = await runArgv(['migrate', 'up'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('applied  001_a');
    expect(fs.existsSync(path.join(cwd, '.dbctl/pglite.lock'))).toBe(false); // released on exit
  });
});

describe.skipIf(!native)('dbctl migrate on a real server: concurrency and failure', () => {
  const server = native?.serverUrl ?? '';

  it('10 concurrent `migrate up` processes apply every migration exactly once (repeated)', async () => {
    for (let round = 0; round < 2; round++) {
      const t = await freshDatabase(native!);
      const files: Record<string, string> = {};
      // A slow first migration makes the runners overlap; plain CREATE TABLE fails if run twice.
      files['001_slow.sql'] = sqlMigration('select pg_sleep(0.3);\ncreate table t0 (id int);');
      for (let i = 1; i < 6; i++) files[`00${i + 1}_t${i}.sql`] = createTable(`t${i}`);
      files['007_ts.ts'] = `export async function up(db: any) { await db.schema.createTable('t_ts').addColumn('id', 'integer').execute(); }`;
      const cwd = project(files);
      const runs = await Promise.all(Array.from({ length: 10 }, () => runCli(['migrate', 'up', '--json'], { cwd, env: { DATABASE_URL: t.url } })));
      expect(runs.map((r) => r.code)).toEqual(Array(10).fill(0));
      const applied = runs.flatMap((r) => r.json().results.map((x: any) => x.name));
      expect(applied.sort()).toEqual(Object.keys(files).map((f) => f.replace(/\.(sql|ts)$/, '')).sort());
      const client = new pg.Client({ connectionString: t.url });
      await client.connect();
      const { rows } = await client.query('select count(*)::int as n, count(distinct name)::int as d from kysely_migration');
      await client.end();
      expect(rows[0]).toEqual({ n: 7, d: 7 });
    }
  });

  it('after kill -9 during a long migration, a rerun succeeds with no stale lock and the killed migration not applied', async () => {
    const t = await freshDatabase(native!);
    // 002 waits on a table this test holds locked: it is surely in progress when the process is
    // killed (a state seen in pg_stat_activity, not a 2 s sleep a slow start could outlast).
    const cwd = project({ '001_a.sql': createTable('a'), '002_slow.sql': sqlMigration('create table slow (id int);\nselect count(*) from gate;', 'drop table slow;') });
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    try {
      await admin.query('create table gate (id int)');
      await blocker.query('begin; lock table gate in access exclusive mode');
      const child = spawn(process.execPath, [BIN, 'migrate', 'up'], { cwd, env: { ...process.env, DATABASE_URL: t.url } });
      const closed = new Promise((r) => child.on('close', r));
      let waiting = false;
      for (let i = 0; i < 600 && !waiting; i++) {
        const { rows } = await admin.query(`select 1 from pg_stat_activity where datname = current_database() and query like '%from gate%' and wait_event_type = 'Lock' and pid <> pg_backend_pid()`);
        waiting = rows.length > 0;
        if (!waiting) await sleep(50);
      }
      expect(waiting, '002_slow never started').toBe(true);
      child.kill('SIGKILL');
      await closed;
      // A SQL migration goes to the server in one message with its COMMIT: the killed run's session
      // must be ended by the server (dbctl sets client_connection_check_interval) while 002 still
      // waits, or it would go on to commit. Only once that session is gone is the lock let go.
      let orphaned = true;
      for (let i = 0; i < 600 && orphaned; i++) {
        const { rows } = await admin.query(`select 1 from pg_stat_activity where datname = current_database() and query like '%from gate%' and pid <> pg_backend_pid()`);
        orphaned = rows.length > 0;
        if (orphaned) await sleep(50);
      }
      expect(orphaned, "the server never ended the killed run's session").toBe(false);
      await blocker.query('rollback');
      const status = await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: t.url } });
      expect(status.json().migrations.map((m: any) => m.state)).toEqual(['applied', 'pending']);
      const rerun = await runArgv(['migrate', 'up', '--lock-timeout', '20s'], { cwd, env: { DATABASE_URL: t.url } });
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain('applied  002_slow');
    } finally {
      await blocker.end();
      await admin.end();
    }
  });

  it('waits for the run lock, says who holds it, and exits 6 on --lock-timeout', async () => {
    const t = await freshDatabase(native!);
    const cwd = project({ '001_a.sql': createTable('a') });
    const holder = new pg.Client({ connectionString: t.url, application_name: 'deploy-42' });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(3853314791062309107)`);
      const r = await runArgv(['migrate', 'up', '--lock-timeout', '1s'], { cwd, env: { DATABASE_URL: t.url } });
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/waiting for the migration run lock held by pid \d+ \(deploy-42/);
      expect(r.stderr).toMatch(/error: timed out after 1\.0 s waiting for the migration run lock held by pid \d+ \(deploy-42, user postgres, /);
    } finally {
      await holder.end();
    }
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
  });

  it('retries a migration that hits lock_timeout while another session holds ACCESS EXCLUSIVE briefly', async () => {
    const t = await freshDatabase(native!);
    const cwd = project({ '001_t.sql': createTable('t') });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    writeFiles(cwd, { 'migrations/002_alter.sql': sqlMigration('alter table t add column note text;', 'alter table t drop column note;') });
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    await blocker.query('begin; lock table t in access exclusive mode');
    const run = runArgv(['migrate', 'up', '--ddl-lock-timeout', '300ms'], { cwd, env: { DATABASE_URL: t.url } });
    // Hold the lock until dbctl's first attempt has been seen waiting on it and then a later one (its
    // query_start is newer): the first hit lock_timeout and was retried. A state, not a 600 ms sleep.
    // (Polled from another session: inside a transaction pg_stat_activity is a frozen snapshot.)
    const watcher = new pg.Client({ connectionString: t.url });
    await watcher.connect();
    const attemptAfter = async (since: string) =>
      (await watcher.query<{ started: string }>(`select query_start::text as started from pg_stat_activity where wait_event_type = 'Lock' and query like '%alter table t add%' and pid <> pg_backend_pid() and query_start > $1::timestamptz`, [since])).rows[0]?.started;
    let first: string | undefined;
    for (let i = 0; i < 800 && !(first = await attemptAfter('-infinity')); i++) await sleep(25);
    expect(first, 'dbctl never waited on the lock').toBeDefined();
    let retried: string | undefined;
    for (let i = 0; i < 800 && !(retried = await attemptAfter(first!)); i++) await sleep(25);
    await watcher.end();
    expect(retried, 'dbctl never retried after lock_timeout').toBeDefined();
    await blocker.query('commit');
    await blocker.end();
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/002_alter: lock_timeout \(canceling statement due to lock timeout\); retry 1/);
    expect(r.stdout).toContain('applied  002_alter');
  });

  it('a migration that gives up on lock_timeout names the session holding the lock', async () => {
    const t = await freshDatabase(native!);
    const cwd = project({ '001_t.sql': createTable('t') });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    writeFiles(cwd, { 'migrations/002_alter.sql': sqlMigration('alter table t add column note text;', 'alter table t drop column note;') });
    const blocker = new pg.Client({ connectionString: t.url, application_name: 'report-7' });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table t in access share mode');
      const r = await runArgv(['migrate', 'up', '--ddl-lock-timeout', '50ms'], { cwd, env: { DATABASE_URL: t.url } });
      expect(r.code).not.toBe(0);
      const pid = (await blocker.query('select pg_backend_pid() as pid')).rows[0].pid;
      expect(r.stderr).toMatch(new RegExp(`error: migration 002_alter failed \\(SQLSTATE 55P03\\): canceling statement due to lock timeout; sessions holding locks when it gave up: pid ${pid} \\(report-7, user postgres, from 127\\.0\\.0\\.1, idle in transaction since \\S+: begin; lock table t in access share mode\\)$`, 'm'));
      expect(r.stderr).toContain(`pg_terminate_backend(${pid})`);
    } finally {
      await blocker.end();
    }
  });

  it('names the user and hides the password when authentication fails', async () => {
    const url = new URL(server);
    url.username = 'no_such_user_x';
    url.password = 'pw-sekrit-123';
    const r = await runArgv(['migrate', 'status'], { cwd: project({ '.keep': '' }), env: { DATABASE_URL: url.toString() } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: authentication failed for user "no_such_user_x"|role "no_such_user_x" does not exist/);
    expect(r.stdout + r.stderr).not.toContain('pw-sekrit-123');
  });

  it('says which database is missing', async () => {
    const url = new URL(server);
    url.pathname = '/dbctl_no_such_db';
    const r = await runArgv(['migrate', 'status'], { cwd: project({ '.keep': '' }), env: { DATABASE_URL: url.toString() } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('database "dbctl_no_such_db" does not exist');
  });
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

