import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, diagnostics, runCli, tempProject } from '../../helpers/cli.js';
import { running, until } from '../../helpers/poll.js';

const server = process.env.TEST_DATABASE_URL;
const psqlMissing = spawnSync('psql', ['--version']).error !== undefined;

describe('dbctl sql (spawned)', () => {
  it("runs a query: 'select 1' --json gives the rows as objects", async () => {
    const cwd = tempProject();
    const r = await runCli(['sql', 'select 1 as one', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, results: [{ command: 'SELECT', rowCount: 1, columns: ['one'], rows: [{ one: 1 }] }] });
  });

  it('an interactive session fed through stdin: statements across lines, \\d, an error that does not end it, \\q, history', async () => {
    const cwd = tempProject();
    const input = ['create table pet (id int primary key, name text not null);', 'insert into pet', "  values (1, 'Rex');", 'select nope from pet;', '\\d', '\\d pet', 'select name from pet;', '\\q', 'select 1;'].join('\n');
    const r = await runCli(['sql', '-i'], { cwd, input });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE TABLE\nINSERT 1\n');
    expect(r.stdout).toContain(' schema | table\n--------+-------\n public | pet\n');
    expect(r.stdout).toContain('Table "public.pet"');
    expect(r.stdout).toMatch(/ name +\| text +\| not null/);
    expect(r.stdout).toContain(' name\n------\n Rex\n(1 row)');
    // The error is one line, with SQLSTATE and where (line 4 of the input), and the session goes on.
    expect(diagnostics(r.stderr).trim()).toBe('ERROR 42703: column "nope" does not exist (line 4, col 8)');
    // After \q nothing more runs.
    expect(r.stdout).not.toContain('?column?');
    expect(fs.readFileSync(path.join(cwd, '.dbctl', 'sql_history'), 'utf8').split('\n')).toContain('\\d pet');
  });

  it('a script stops at the first error: exit 1, one line with the file, SQLSTATE and position', async () => {
    const cwd = tempProject({ 'q.sql': 'select 1;\n\nselect\n  missing_column;\nselect 2;\n' });
    const r = await runCli(['sql', '-f', 'q.sql'], { cwd });
    expect(r.code).toBe(1);
    expect(diagnostics(r.stderr).trim()).toBe('error: q.sql: 42703: column "missing_column" does not exist (line 4, col 3)');
    expect(r.stdout).not.toContain('2\n(1 row)');
  });

  it('a protected environment: refused without --read-only; with it reads run and writes fail', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': "export default { environments: { production: { url: 'pglite://.dbctl/prod', protected: true } } };" });
    const refused = await runCli(['sql', 'delete from pg_class where false', '--env', 'production'], { cwd });
    expect(refused.code).toBe(5);
    expect(diagnostics(refused.stderr)).toMatch(/^error: sql refused: environment "production" is protected/);
    const read = await runCli(['sql', 'select 1 as one; create table t (x int);', '--env', 'production', '--read-only'], { cwd });
    expect(read.code).toBe(1);
    expect(read.stdout).toContain(' one\n-----\n 1\n');
    expect(diagnostics(read.stderr)).toContain('25006');
  });

  it.skipIf(!server)('--psql hands over to psql with the password in PGPASSWORD, never in argv (needs TEST_DATABASE_URL)', async () => {
    const cwd = tempProject();
    // A fake psql records its argv and PGPASSWORD: what `ps` would show, and what the real one gets.
    const fake = path.join(cwd, 'fake-psql.sh');
    fs.writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${cwd}/argv.txt"\nprintf '%s' "$PGPASSWORD" > "${cwd}/password.txt"\n`, { mode: 0o755 });
    const url = new URL(server!);
    url.password = 's3cret-pw';
    const r = await runCli(['sql', '--psql', 'select 1', '--url', url.toString()], { cwd, env: { PSQL: fake } });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'argv.txt'), 'utf8')).not.toContain('s3cret-pw');
    expect(fs.readFileSync(path.join(cwd, 'argv.txt'), 'utf8')).toContain('select 1');
    expect(fs.readFileSync(path.join(cwd, 'password.txt'), 'utf8')).toBe('s3cret-pw');
  });

  it.skipIf(!server)('--psql: the psql dbctl hands over to dies with dbctl, kill -9 included (needs TEST_DATABASE_URL)', async () => {
    const cwd = tempProject();
    // A fake psql that says its pid and then waits, deaf to SIGINT as psql at its prompt is (it
    // clears the line): the watchdog's SIGINT (cancel the query) does not end it; its SIGTERM does.
    const fake = path.join(cwd, 'fake-psql.sh');
    fs.writeFileSync(fake, `#!/bin/sh\ntrap '' INT\necho $$ > "${cwd}/pid.txt"\nexec sleep 300\n`, { mode: 0o755 });
    const env = { ...process.env, PSQL: fake, NO_COLOR: '1' };
    delete env.DATABASE_URL;
    const dbctl = spawn(process.execPath, [BIN, 'sql', '--psql', '--url', server!], { cwd, env, stdio: 'ignore' });
    const pidFile = path.join(cwd, 'pid.txt');
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 'the fake psql has started');
    const psql = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(running(psql)).toBe(true);
    dbctl.kill('SIGKILL');
    await until(() => !running(psql), 'the handed-over psql is gone after kill -9 of dbctl');
  });

  it.skipIf(!server || psqlMissing)('--psql with the real psql on the server (needs TEST_DATABASE_URL and psql)', async () => {
    const cwd = tempProject();
    const r = await runCli(['sql', '--psql', 'select 40 + 2 as answer', '--url', server!], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('42');
  });
  describe.skipIf(!server || psqlMissing).each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('--psql, %s to dbctl (needs TEST_DATABASE_URL and psql)', (signal) => {
    it("the query psql was running is cancelled on the server, not left running there, and psql's session ends", async () => {
      const cwd = tempProject();
      const app = `dbctl-psql-${process.pid}-${signal}`;
      const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: app, NO_COLOR: '1' };
      delete env.DATABASE_URL;
      // stdin is not a terminal: a SIGINT reaches dbctl alone, as a script's `kill -INT` does.
      const dbctl = spawn(process.execPath, [BIN, 'sql', '--psql', 'select pg_sleep(600)', '--url', server!], { cwd, env, stdio: 'ignore' });
      const exited = new Promise((resolve) => dbctl.on('exit', resolve));
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      try {
        const active = async () => (await admin.query(`select count(*)::int as n from pg_stat_activity where application_name = $1 and state = 'active'`, [app])).rows[0].n;
        await until(async () => (await active()) > 0, "psql's query was running");
        dbctl.kill(signal);
        await exited;
        // No session of psql's at all: the query was cancelled and psql closed its connection.
        await until(async () => (await admin.query(`select count(*)::int as n from pg_stat_activity where application_name = $1`, [app])).rows[0].n === 0, "psql's query and session were gone");
      } finally {
        dbctl.kill('SIGKILL');
        await admin.end();
      }
    });
  });
});
