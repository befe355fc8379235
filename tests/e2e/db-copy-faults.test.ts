import { spawn } from 'node:child_process';
import pg from 'pg';
import { heldFunctionSql } from '../helpers/hold.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';
import { BIN, runCli, tempProject } from '../helpers/cli.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { templateSources } from '../../src/config/props.js';
import { templateName } from '../../src/database/names.js';
import { templateHash } from '../../src/testdb/hash.js';
import { until } from '../helpers/poll.js';

const SERVER = process.env.TEST_DATABASE_URL;
const MIGRATION = '-- migrate:up\ncreate table big (id int primary key, payload text not null);\n-- migrate:down\ndrop table big;\n';

/**
 * `db copy` killed or cut off mid-stream: exit 3, one line, the target as it was and no partial
 * copy left on the server. The process is the thing under test, so the CLI is spawned.
 */
describe.runIf(SERVER)('db copy faults', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let cwd: string;
  const admin = new pg.Client({ connectionString: SERVER });

  beforeAll(async () => {
    await admin.connect();
    cwd = tempProject({ 'migrations/001_big.sql': MIGRATION });
    source = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyf' });
    target = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyf' });
    const s = new pg.Client({ connectionString: source.url });
    await s.connect();
    // Rows to copy; the test holds the copy mid-way with a lock on the table.
    await s.query(`${MIGRATION.split('\n')[1]} insert into big select i, repeat(md5(i::text), 8) from generate_series(1, 20000) i;`);
    await s.end();
    const t = new pg.Client({ connectionString: target.url });
    await t.connect();
    await t.query(`create table marker (note text); insert into marker values ('the target as it was')`);
    await t.end();
  }, 60_000);
  afterAll(async () => {
    await admin.end();
    await source?.drop();
    await target?.drop();
  });

  it('fails on a mistyped --from before anything is made on the target\'s server: no database, no template', async () => {
    // Migrations of its own, so the project's migrated template does not exist yet.
    const project = tempProject({ 'migrations/001_big.sql': `${MIGRATION}-- ${Date.now()} ${Math.random()}\n` });
    const config = await resolveConfig({ cwd: project, url: target.url, environ: {} });
    const template = templateName(config.testdb.prefix, templateHash(templateSources(config), false));
    const databases = async () => (await admin.query<{ datname: string }>('select datname from pg_database')).rows.map((r) => r.datname);
    // What a killed build left beside the target stays too: the target's server is only connected
    // to (beside the source, which then fails to open), nothing there is swept or made.
    const leftover = `${target.name.slice(0, 36)}_dbctl_copy_0ddba11e`;
    await admin.query(`create database "${leftover}"`);
    const before = await databases();
    const from = source.url.replace(/\/[^/?]+(\?|$)/, '/dbctl_no_such_source$1');
    const r = await runCli(['db', 'copy', '--from', from, '--into', target.url, '--no-strict'], { cwd: project, env: childEnv() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: database "dbctl_no_such_source" does not exist on [^\n]+\nhint: [^\n]+\n$/);
    const after = await databases();
    expect(after).not.toContain(template);
    // Nothing beside the target either (other test files make databases meanwhile: only names of this copy count).
    expect(after.filter((d) => !before.includes(d) && d.includes(target.name))).toEqual([]);
    expect(after).toContain(leftover);
    await admin.query(`drop database "${leftover}"`);
  });

  function childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.DATABASE_URL;
    return env;
  }

  /**
   * Runs the copy while a lock on the source table holds its COPY, calls `act` once the COPY waits
   * there (mid-copy, whatever the machine's speed), then lets go; returns the exit code and stderr.
   */
  async function interruptedCopy(act: (pid: number) => Promise<void>): Promise<{ code: number | null; stderr: string }> {
    const blocker = new pg.Client({ connectionString: source.url });
    await blocker.connect();
    await blocker.query('begin; lock table big in access exclusive mode');
    try {
      return await runHeld(act);
    } finally {
      await blocker.query('rollback').catch(() => {});
      await blocker.end();
    }
  }

  async function runHeld(act: (pid: number) => Promise<void>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [BIN, 'db', 'copy', '--from', source.url, '--into', target.url], { cwd, env: childEnv() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let exited = false;
    void closed.then(() => (exited = true));
    await until(async () => exited || (await admin.query(`select 1 from pg_stat_activity where datname = $1 and query ilike 'copy (select%' and wait_event_type = 'Lock'`, [source.name])).rows.length > 0, 'the COPY waited for the lock');
    expect(exited, stderr).toBe(false);
    await act(child.pid!);
    return { code: await closed, stderr };
  }

  async function assertUntouched(): Promise<void> {
    const t = new pg.Client({ connectionString: target.url });
    await t.connect();
    try {
      expect((await t.query('select note from marker')).rows).toEqual([{ note: 'the target as it was' }]);
      expect((await t.query(`select 1 from pg_tables where tablename = 'big'`)).rows).toEqual([]);
    } finally {
      await t.end();
    }
    const { rows } = await admin.query(`select datname from pg_database where datname like $1 or datname like $2`, [`${target.name.slice(0, 36)}_dbctl_copy_%`, `${target.name.slice(0, 36)}_dbctl_old_%`]);
    expect(rows).toEqual([]);
  }

  it('SIGINT: exit 3, one line, the target unchanged, the partial copy removed', async () => {
    // What a copy killed with kill -9 leaves (no time to drop it): the next copy removes it.
    await admin.query(`create database "${target.name.slice(0, 36)}_dbctl_copy_0badf00d"`);
    await admin.query(`create database "${target.name.slice(0, 36)}_dbctl_old_0badf00d"`);
    const { code, stderr } = await interruptedCopy(async (pid) => void process.kill(pid, 'SIGINT'));
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error: db copy interrupted by SIGINT: the target is unchanged and the partial copy was removed$/m);
    expect(stderr).not.toMatch(/\n\s+at /);
    await assertUntouched();
  }, 60_000);

  it('the source connection terminated: exit 3, one line, the target unchanged', async () => {
    const { code, stderr } = await interruptedCopy(async () => {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'dbctl db copy' and datname = $1`, [source.name]);
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error: lost the connection to the database during db copy/m);
    await assertUntouched();
  }, 60_000);
  it('SIGINT while the source is blocked writing a COPY nobody reads: the copy still ends (exit 3), the partial copy removed', async () => {
    // The target takes no row while a session named `hold` exists, so dbctl stops reading the
    // source, whose backend then blocks writing (ClientWrite). Such a backend cannot answer the
    // barrier DROP DATABASE waits for: removing the partial copy before closing the source hung.
    // The target's backend is held too, and CopyFail is read only once the hold ends: an interrupted
    // copy drops that session rather than wait (the hold outlasts this test's timeout: waiting fails it).
    const hold = `dbctl-copy-hold-${process.pid}`;
    const held = heldFunctionSql(hold, 300);
    const schema = `${held} create table slow (id int primary key, payload text not null check (public.held()));`;
    const dir = tempProject({ 'migrations/001_slow.sql': `-- migrate:up\n${schema}\n-- migrate:down\ndrop table slow; drop function public.held();\n` });
    const from = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyw' });
    const into = await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copyw' });
    const s = new pg.Client({ connectionString: from.url });
    await s.connect();
    // More rows than the copy reads ahead into memory while the target is made (PREFETCH_BYTES): the
    // rest waits on the source, which then blocks writing.
    await s.query(`${schema} insert into slow select i, repeat(md5(i::text), 16) from generate_series(1, 200000) i;`);
    await s.end();
    const holder = new pg.Client({ connectionString: SERVER, application_name: hold });
    await holder.connect();
    try {
      const child = spawn(process.execPath, [BIN, 'db', 'copy', '--from', from.url, '--into', into.url], { cwd: dir, env: childEnv() });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      await until(async () => (await admin.query(`select 1 from pg_stat_activity where datname = $1 and query ilike 'copy (select%' and wait_event = 'ClientWrite'`, [from.name])).rows.length > 0, 'the source COPY was blocked writing');
      child.kill('SIGINT');
      expect(await closed, stderr).toBe(3);
      expect(stderr).toMatch(/^error: db copy interrupted by SIGINT: the target is unchanged and the partial copy was removed$/m);
      const { rows } = await admin.query(`select datname from pg_database where datname like $1`, [`${into.name.slice(0, 36)}_dbctl_copy_%`]);
      expect(rows).toEqual([]);
    } finally {
      await holder.end();
      await from.drop();
      await into.drop();
    }
  }, 120_000);
});
