import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { heldFunctionSql } from '../../helpers/hold.js';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { BIN, type CliResult } from '../../helpers/cli.js';
import { processesWith, until } from '../../helpers/poll.js';
import { ok, project } from '../../backup/helpers.js';

/**
 * Killing dbctl mid-backup or mid-restore (issue 29, item 7): pg_dump / pg_restore die with it,
 * `kill -9` included; SIGINT/SIGTERM drop what `restore --create` built and remove the partial dump; no
 * dump is ever left without its manifest. Server only: PGlite's dump and loader run inside dbctl.
 *
 * Nothing here waits on a clock: each test blocks the program on the server (a lock, or a CHECK
 * that waits while a session of the test's exists), polls until the program is seen waiting there,
 * and only then kills dbctl.
 */
const server = backends.find((b) => b.name === 'pg');

/** The CLI as a process of its own, so that the test can signal it. */
function start(args: string[], cwd: string) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', DATABASE_URL: undefined, DBCTL_ENV: undefined };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: env as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr, json: () => JSON.parse(stdout) })));
  return { child, result };
}

async function sessions(admin: pg.Client, where: string): Promise<number> {
  const { rows } = await admin.query(`select count(*)::int as n from pg_stat_activity where ${where}`);
  return rows[0].n;
}

describe.runIf(server)('killing dbctl during backup and restore (server)', () => {
  describe.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('%s', (signal) => {
    it.each(['custom', 'directory'])('during a %s-format backup: pg_dump dies with dbctl, no dump without a manifest is left', async (format) => {
      const t = await freshDatabase(server!);
      const admin = new pg.Client({ connectionString: t.url });
      await admin.connect();
      const blocker = new pg.Client({ connectionString: t.url });
      await blocker.connect();
      try {
        await admin.query('create table t (id int); insert into t select generate_series(1, 1000)');
        const p = project();
        const out = path.join(p.cwd, 'backups', format === 'custom' ? 'b.dump' : 'b.dir');
        // pg_dump waits for this lock (so does dbctl's hashing of t).
        await blocker.query('begin; lock table t in access exclusive mode');
        const run = start(['--url', t.url, 'backup', '--format', format, '--out', out], p.cwd);
        // This database's pg_dump only: pg_stat_activity lists every database's sessions, and other
        // files' tests hold a pg_dump on a lock too (CI once saw theirs before this one had started).
        await until(async () => (await sessions(admin, `datname = current_database() and application_name = 'pg_dump' and wait_event_type = 'Lock'`)) > 0, 'pg_dump waited for the lock');
        // pg_dump writes under a temporary name (only it and its watchdog have it on their command line).
        const partial = path.join(p.cwd, 'backups', `.${path.basename(out)}.partial-`);
        expect(processesWith(partial)).not.toEqual([]);
        run.child.kill(signal);
        // Gone while the lock is still held: it was stopped, it did not finish.
        await until(() => processesWith(partial).length === 0, 'pg_dump was gone');
        await until(async () => (await sessions(admin, `datname = current_database() and application_name = 'pg_dump'`)) === 0, "pg_dump's session was gone");
        await blocker.query('rollback');
        const result = await run.result;
        if (signal !== 'SIGKILL') {
          expect(result.code, result.stderr).toBe(1);
          expect(result.stderr).toMatch(new RegExp(`^error: interrupted by ${signal}`, 'm'));
          expect(result.stderr).not.toMatch(/\n\s+at /);
        }
        // Neither the dump nor its partial file: nothing that looks like a backup without a manifest.
        expect(p.backups()).toEqual([]);
        expect(fs.existsSync(out)).toBe(false);
        // The next backup works (and would remove any partial file a dead dbctl left).
        ok(await p.run(['--url', t.url, 'backup', '--format', format, '--out', out, '--json']));
        expect(p.backups()).toEqual([path.basename(out), `${path.basename(out)}.manifest.json`]);
      } finally {
        await blocker.end();
        await admin.end();
      }
    });

    it('during restore --create: pg_restore dies with dbctl; NAME never exists unverified; the unfinished build is removed (SIGINT/SIGTERM) or by the next run (kill -9)', async () => {
      const t = await freshDatabase(server!);
      const hold = `dbctl-hold-${process.pid}-${signal}`;
      const admin = new pg.Client({ connectionString: t.url });
      await admin.connect();
      // Every row restored waits while a session named `hold` exists (cluster-wide, so the new
      // database sees it): the COPY is held for as long as the test wants, and with it the
      // pg_restore that prints the rows (8 MB of them: more than the pipes between hold).
      await admin.query(`${heldFunctionSql(hold)}
        create table t (id int check (public.held()), pad text);
        insert into t select g, repeat('x', 40000) from generate_series(1, 200) g`);
      const p = project();
      const backup = ok(await p.run(['--url', t.url, 'backup', '--json']));
      const name = `${t.name}_copy`;
      // The restore is built under a name of its own beside NAME, and renamed to NAME once verified.
      const building = `${name.slice(0, 36)}_dbctl_restore_`;
      const holder = new pg.Client({ connectionString: t.url, application_name: hold });
      await holder.connect();
      let held = true;
      const databases = async () => (await admin.query('select datname from pg_database where datname = $1 or starts_with(datname, $2) order by datname', [name, building])).rows.map((r) => r.datname as string);
      try {
        const run = start(['--url', t.url, 'restore', backup.file, '--create', name], p.cwd);
        // The rows load on dbctl's own session (src/backup/data-section.ts), fed by a pg_restore that prints them.
        await until(async () => (await sessions(admin, `starts_with(datname, '${building}') and application_name = 'dbctl restore' and wait_event = 'PgSleep'`)) > 0, 'the COPY was held');
        const dumpPath = path.join(p.cwd, backup.file);
        expect(processesWith(dumpPath)).not.toEqual([]);
        run.child.kill(signal);
        await until(() => processesWith(dumpPath).length === 0, 'pg_restore was gone');
        if (signal === 'SIGKILL') {
          // A killed dbctl cannot cancel its COPY: the socket's close waits behind the rows already
          // sent, which the held backend does not read. Once released, it reads them, meets the
          // end of the connection and rolls back (unheld, that is at once).
          await holder.end();
          held = false;
        }
        await until(async () => (await sessions(admin, `starts_with(datname, '${building}')`)) === 0, "the restore's sessions were gone");
        const result = await run.result;
        // Whatever the signal: no NAME (the schema is committed before the rows, but never under NAME).
        expect(await databases()).not.toContain(name);
        if (signal !== 'SIGKILL') {
          expect(result.code, result.stderr).toBe(1);
          expect(result.stderr).toMatch(new RegExp(`^error: interrupted by ${signal}`, 'm'));
          expect(result.stdout + result.stderr).toMatch(new RegExp(`removed ${building}[0-9a-f]{8}, the unfinished restore into ${name}; ${name} was not created`));
          expect(await databases()).toEqual([]);
        } else {
          // kill -9 leaves dbctl no time to drop its build: it stays under its own name, recognisable...
          const left = await databases();
          expect(left).toEqual([expect.stringMatching(new RegExp(`^${building}[0-9a-f]{8}$`))]);
          // ...and the next restore --create NAME removes it (its builder's lock is gone), then succeeds.
          const again = await p.run(['--url', t.url, 'restore', backup.file, '--create', name]);
          expect(again.code, again.stderr).toBe(0);
          expect(again.stdout + again.stderr).toContain(`removed ${left[0]}, left by an interrupted build`);
          expect(await databases()).toEqual([name]);
          await admin.query(`drop database "${name}"`);
        }
      } finally {
        if (held) await holder.end();
        await admin.end();
      }
    });
  });
  /**
   * A restore into a database dbctl did not make cannot drop it: the interruption says what is
   * left there (emptied by --clean, or part of the backup with --jobs), never "nothing was left
   * half-done", and the advice it gives works.
   */
  describe.each(['SIGTERM', 'SIGINT'] as const)('%s during a restore into an existing database', (signal) => {
    it.each([
      { how: '--clean', args: ['--clean'], says: 'was emptied by --clean and the restore rolled back', retry: [] as string[] },
      { how: '--jobs 2', args: ['--jobs', '2'], says: 'may hold part of the backup \\(with --jobs, pg_restore commits table by table\\)', retry: ['--clean'] },
    ])('$how: the error names what the target holds; the retry it advises works', async ({ how, args, says, retry }) => {
      const t = await freshDatabase(server!);
      const into = await freshDatabase(server!);
      const hold = `dbctl-hold-${process.pid}-${signal}-${how.replace(/\W/g, '')}`;
      const admin = new pg.Client({ connectionString: t.url });
      await admin.connect();
      await admin.query(`${heldFunctionSql(hold)}
        create table t (id int check (public.held()));
        create table u (id int primary key);
        insert into t select generate_series(1, 100);
        insert into u select generate_series(1, 100)`);
      const target = new pg.Client({ connectionString: into.url });
      await target.connect();
      if (how === '--clean') await target.query('create table keepme (id int); insert into keepme values (1)');
      const p = project();
      const backup = ok(await p.run(['--url', t.url, 'backup', '--json']));
      const holder = new pg.Client({ connectionString: t.url, application_name: hold });
      await holder.connect();
      let holding = true;
      try {
        const run = start(['--url', t.url, 'restore', backup.file, '--into', into.url, ...args], p.cwd);
        await until(async () => (await sessions(admin, `datname = '${into.name}' and application_name = 'pg_restore' and wait_event = 'PgSleep'`)) > 0, 'pg_restore was held in its COPY');
        run.child.kill(signal);
        const dumpPath = path.join(p.cwd, backup.file);
        await until(() => processesWith(dumpPath).length === 0, 'pg_restore was gone');
        const result = await run.result;
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`^error: restore interrupted by ${signal}: \\S+/${into.name} ${says}$`, 'm'));
        expect(result.stderr).not.toMatch(/nothing was left half-done|\n\s+at /);
        const tables = (await target.query(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)).rows.map((r) => r.relname);
        // --clean: its one transaction rolled back over an emptied database; --jobs: the schema committed first.
        expect(tables).toEqual(how === '--clean' ? [] : ['t', 'u']);
        await holder.end();
        holding = false;
        const again = await p.run(['--url', t.url, 'restore', backup.file, '--into', into.url, '--json', ...retry]);
        expect(again.code, again.stderr).toBe(0);
      } finally {
        if (holding) await holder.end();
        await target.end();
        await admin.end();
      }
    });
  });
});
