import net from 'node:net';
import pg from 'pg';
import { until } from '../../helpers/poll.js';
import { describe, expect, it } from 'vitest';
import { connectionErrorFor, isTransientConnectError } from '../../../src/driver/pg/connect-error.js';
import { parseTarget } from '../../../src/driver/target.js';
import { sqlstatesOf } from '../../../src/sql/sqlstate.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject, type CliResult } from '../../helpers/cli.js';

/**
 * A terminated backend mid-run gives one `error:` line naming what was interrupted and whether it
 * was rolled back, exit 3, one JSON document; never Node's "Unhandled 'error' event" (issue 12).
 * Server only: PGlite is one session in dbctl's own process, nobody can terminate it.
 */
const native = backends.find((b) => b.name === 'pg');

describe.runIf(native)('a lost connection mid-run (server)', () => {
  /** Runs the CLI and, once `match` shows in pg_stat_activity, terminates the matching backends. */
  async function interrupt(url: string, cwd: string, args: string[], where: string, env: Record<string, string> = {}, onKilled?: () => void): Promise<CliResult> {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const run = runCli([...args, '--json'], { cwd, env: { DATABASE_URL: url, ...env } });
      // Polled until the work is seen (a bound, not a clock: until() fails only after its tries).
      await until(async () => {
        // With a timeout, pg_terminate_backend returns once the backend has exited: its locks (the
        // run lock among them) are gone before onKilled lets the work go on. Without it, a migration
        // released at once could still see the dying session's advisory lock and commit.
        const { rows } = await admin.query(`select pg_terminate_backend(pid, 30000) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and (${where})`);
        return rows.length > 0;
      }, `a session matching ${where} was terminated`);
      onKilled?.();
      return await run;
    } finally {
      await admin.end();
    }
  }

  function expectCleanFailure(r: CliResult, interrupted: RegExp, outcome: RegExp): void {
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).not.toMatch(/Unhandled|\n\s+at /);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors, r.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(/lost the connection to the database during /);
    expect(errors[0]).toMatch(interrupted);
    expect(errors[0]).toMatch(outcome);
    const doc = r.json();
    expect(doc).toMatchObject({ ok: false, error: { code: 'connection_lost' } });
  }

  const sleepy = (seconds: number) => `-- migrate:up\ncreate table slow (id int);\nselect pg_sleep(${seconds});\n-- migrate:down\ndrop table slow;\n`;

  it('during a migration: rolled back, status pending', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({ 'migrations/001_fast.sql': '-- migrate:up\ncreate table fast (id int);\n', 'migrations/002_slow.sql': sleepy(30) });
    const r = await interrupt(t.url, cwd, ['migrate', 'up'], "query like '%pg_sleep(30)%'");
    expectCleanFailure(r, /migrate up \(002_slow\)/, /002_slow was rolled back by the server and is not recorded as applied; the 1 migration\(s\) before it stay applied/);
    const status = (await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: t.url } })).json();
    expect(status.summary).toMatchObject({ applied: 1, pending: 1 });
  });

  it('while holding the run lock: the migration in progress does not commit, nothing after it runs', async () => {
    const t = await freshDatabase(native!);
    // 001 waits on a table this test holds locked (a state, not a sleep): the run lock's session is
    // terminated while 001 is surely in progress, and only then is 001 let go towards its commit.
    const gated = '-- migrate:up\ncreate table slow (id int);\nselect count(*) from gate;\n-- migrate:down\ndrop table slow;\n';
    const cwd = tempProject({ 'migrations/001_slow.sql': gated, 'migrations/002_next.sql': '-- migrate:up\ncreate table next (id int);\n' });
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    try {
      await blocker.query('create table gate (id int)');
      await blocker.query('begin; lock table gate in access exclusive mode');
      const release = () => void blocker.query('rollback').catch(() => {});
      const migrating = `exists (select 1 from pg_stat_activity m where m.query like '%from gate%' and m.wait_event_type = 'Lock' and m.pid <> pg_backend_pid())`;
      const lockSession = `pid in (select pid from pg_locks where locktype = 'advisory' and granted)`;
      const r = await interrupt(t.url, cwd, ['migrate', 'up'], `${migrating} and ${lockSession}`, {}, release);
      expectCleanFailure(r, /migrate up \(001_slow\): the migration run lock's session was terminated/, /001_slow was rolled back/);
    } finally {
      await blocker.end();
    }
    const status = (await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: t.url } })).json();
    expect(status.summary).toMatchObject({ applied: 0, pending: 2 });
  });

  it('during a seed: rolled back, none of its rows kept', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({
      'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int);\n',
      'seeds/common/01_t.sql': 'insert into t select generate_series(1, 1000);\nselect pg_sleep(30);\n',
    });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    const r = await interrupt(t.url, cwd, ['seed'], "query like '%pg_sleep(30)%'");
    expectCleanFailure(r, /seed common\/01_t/, /rolled back by the server: none of its rows were kept/);
  });

  it('during a reset waiting on a table lock: rolled back, rows still there', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({ 'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int);\ninsert into t values (1), (2);\n' });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table t in access share mode');
      const r = await interrupt(t.url, cwd, ['reset'], "query ilike 'truncate%' and wait_event_type = 'Lock'");
      expectCleanFailure(r, /dbctl reset/, /rolled back by the server/);
      await blocker.query('rollback');
      expect((await blocker.query('select count(*)::int as n from t')).rows[0].n).toBe(2);
    } finally {
      await blocker.end();
    }
  });

  it('during a backup: no success reported', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({ 'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int);\ninsert into t values (1);\n' });
    expect((await runArgv(['migrate', 'up'], { cwd, env: { DATABASE_URL: t.url } })).code).toBe(0);
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    try {
      // pg_dump (and the snapshot session's table listing) wait for this lock: dbctl's snapshot
      // session is in its transaction, the only dbctl session that is.
      await blocker.query('begin; lock table t in access exclusive mode');
      // The lock is released once the snapshot session is gone (not on a timer: a slow start would
      // let the backup finish first), so pg_dump goes on and meets the dead snapshot.
      const release = () => void blocker.query('rollback').catch(() => {});
      // Only once pg_dump's own session waits for that lock (found by what the server shows: its
      // LOCK TABLE on t, whatever its application name): by then dbctl has connected and exported
      // its snapshot, and the snapshot session is the one doing the work. Before that, a dbctl
      // session in a transaction may be the connect's own first query (issue 29, item 16).
      const dumpWaits = `exists (select 1 from pg_stat_activity d join pg_locks l on l.pid = d.pid where l.relation = 't'::regclass and not l.granted and d.query ilike 'lock table%')`;
      const snapshotSession = `application_name = 'dbctl' and xact_start is not null and query not ilike 'lock table%'`;
      const result = await interrupt(t.url, cwd, ['backup', '--out', `${cwd}/b.dump`], `${dumpWaits} and ${snapshotSession}`, {}, release);
      expectCleanFailure(result, /dbctl backup/, /rolled back/);
    } finally {
      await blocker.end();
    }
  });
});

/**
 * A session that ends while dbctl connects is a lost connection too (issue 29, item 16): the server
 * terminated it (57P01), crashed (57P02), is not accepting sessions (57P03), or the socket closed
 * right after it opened. The user reads "lost the connection to the database during …" whichever
 * moment it was, and a connect retries it within --connect-timeout (a restart looks like this).
 */
describe('a session ended while connecting', () => {
  it('a socket that closes right after it opens: retried, then one "lost the connection" line, exit 3', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const cwd = tempProject({ 'migrations/.keep': '' });
      const r = await runArgv(['migrate', 'status', '--connect-timeout', '500ms', '--json', '--url', `postgres://app:s3cretpw@127.0.0.1:${port}/app`], { cwd });
      expect(r.code, r.stderr).toBe(3);
      expect(r.json().error).toMatchObject({ code: 'connection_lost', message: expect.stringMatching(new RegExp(`^lost the connection to the database during the connect to 127\\.0\\.0\\.1:${port}/app: Connection terminated unexpectedly; nothing had run yet \\(gave up after`)) });
      expect(r.stdout + r.stderr).not.toContain('s3cretpw');
    } finally {
      server.close();
    }
  });

  // Every SQLSTATE the one table in src/errors.ts calls a lost connection, so the next one added there
  // is covered: the error a connect meets says "lost", and a connect retries it.
  const lost = sqlstatesOf('connection_lost');
  it.each(lost)('SQLSTATE %s met while connecting is a lost connection, retried', (sqlstate) => {
    const target = parseTarget('postgres://app@db.example:5432/app', process.cwd());
    if (target.kind !== 'pg') throw new Error('a server URL parses to a server target');
    const error = Object.assign(new Error('terminating connection due to administrator command'), { code: sqlstate, severity: 'FATAL' });
    expect(isTransientConnectError(error)).toBe(true);
    const mapped = connectionErrorFor(error, target, 2000);
    expect(mapped).toMatchObject({ code: 'connection_lost', exitCode: 3 });
    expect(mapped.message).toBe('lost the connection to the database during the connect to db.example:5432/app: terminating connection due to administrator command; nothing had run yet (gave up after 2.0 s)');
  });
});
