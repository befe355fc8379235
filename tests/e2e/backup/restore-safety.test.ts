import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { heldFunctionSql } from '../../helpers/hold.js';
import { describe, expect, it } from 'vitest';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { until } from '../../helpers/poll.js';
import { execSql, ok, project, rewriteDump, TEST_SCHEMA } from '../../backup/helpers.js';

/** Issue 29: item 11 (meta-commands in a plain dump), item 7 (exit codes), item 15 (permission, --create's place). */
describe.each(backends)('backup and restore refuse what they must, on $name', (backend) => {
  it('a plain dump with a psql meta-command is refused, naming the file and line; the command never runs', async () => {
    const src = await freshDatabase(backend);
    await execSql(src.url, TEST_SCHEMA); // its data holds a line `\connect evil` inside a string literal
    const p = project();
    const { file } = ok(await p.run(['--url', src.url, 'backup', '--format', 'plain', '--json']));
    const dump = fs.readFileSync(path.join(p.cwd, file), 'utf8');
    const marker = path.join(p.cwd, 'pwned');
    for (const forged of [`\\! touch ${marker}`, `\\connect postgres`, `  \\o ${marker}`]) {
      // Appended after the dump (after pg_dump's own \unrestrict), with the manifest re-signed.
      rewriteDump(p.cwd, file, `${dump}\n${forged}\n`);
      const dst = await freshDatabase(backend);
      const refused = await p.run(['restore', file, '--into', dst.url, '--json']);
      expect(refused.code, refused.stderr).toBe(5);
      const error = refused.json().error;
      expect(error.code).toBe('unsafe_backup');
      expect(error.message).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}:${dump.split('\n').length + 1}: refused: a psql meta-command`));
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(fs.existsSync(marker)).toBe(false);
      expect(await execSql(dst.url, `select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`)).toEqual([{ n: 0 }]);
    }
    // Mid-line, a backslash is no meta-command to dbctl's loader: the server sees it as SQL and refuses it.
    rewriteDump(p.cwd, file, `${dump}\nselect 1; \\! touch ${marker}\n`);
    const dst = await freshDatabase(backend);
    const failed = await p.run(['restore', file, '--into', dst.url]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(fs.existsSync(marker)).toBe(false);
    // The genuine dump, whose data has lines starting with a backslash inside literals, restores.
    rewriteDump(p.cwd, file, dump);
    expect(ok(await p.run(['restore', file, '--into', (await freshDatabase(backend)).url, '--json'])).method).toBe('sql-loader');
  });

  it('an --out that cannot be written is a usage error naming it (exit 2); nothing is left behind', async () => {
    const src = await freshDatabase(backend);
    const p = project({ 'notes.txt': 'a file, not a folder\n' });
    const out = path.join(p.cwd, 'notes.txt', 'b.dump');
    const r = await p.run(['--url', src.url, 'backup', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.json().error.message).toContain(`cannot write the backup to ${out}`);
    expect(fs.readdirSync(p.cwd).sort()).toEqual(['migrations', 'node_modules', 'notes.txt']);
  });
});

const embedded = backends.find((b) => b.name === 'pglite')!;

describe('embedded restore --create NAME', () => {
  it('makes NAME beside the configured database (.dbctl/NAME, git-ignored), never in the project root', async () => {
    const p = project({ 'migrations/001_t.sql': '-- migrate:up\ncreate table t (id int);\ninsert into t values (1), (2);\n' });
    ok(await p.run(['migrate', 'up']));
    const { file } = ok(await p.run(['backup', '--json']));
    const made = ok(await p.run(['restore', file, '--create', 'copy', '--json']));
    expect(made).toMatchObject({ ok: true, differences: [] });
    expect(fs.existsSync(path.join(p.cwd, 'copy'))).toBe(false);
    expect(fs.existsSync(path.join(p.cwd, '.dbctl', 'copy', 'PG_VERSION'))).toBe(true);
    expect(await execSql(`pglite://${path.join(p.cwd, '.dbctl', 'copy')}`, 'select count(*)::int as n from t')).toEqual([{ n: 2 }]);
    for (const name of ['../escape', 'a/b', '..']) {
      const refused = await p.run(['restore', file, '--create', name]);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/give a name, not a path/);
    }
    expect(fs.existsSync(path.join(p.cwd, 'escape'))).toBe(false);
    void embedded;
  });
});

const server = backends.find((b) => b.name === 'pg');

describe.runIf(server)('backup on a server: what the server refuses or loses', () => {
  it('a role without SELECT on one table: permission denied naming the table, exit 5', async () => {
    const t = await freshDatabase(server!);
    const role = `dbctl_noread_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await execSql(t.url, `create table readable (id int); create table secret (id int); insert into secret values (1);
      create role ${role} login; grant select on readable to ${role}`);
    try {
      const p = project();
      const asRole = t.url.replace('://postgres@', `://${role}@`);
      const r = await p.run(['--url', asRole, 'backup', '--json']);
      expect(r.code, r.stderr).toBe(5);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(/permission denied for table secret/);
      expect(r.stderr).not.toMatch(/snapshot|\n\s+at /);
      expect(p.backups()).toEqual([]);
    } finally {
      await execSql(t.url, `drop owned by ${role}; drop role ${role}`);
    }
  });

  it("a lost connection in pg_dump's own session is exit 3, and the partial dump is removed", async () => {
    const t = await freshDatabase(server!);
    await execSql(t.url, 'create table t (id int); insert into t values (1)');
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    // Not the blocker: inside its transaction, pg_stat_activity would show the same snapshot throughout.
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      const p = project();
      // pg_dump waits for this lock; then its backend is terminated.
      await blocker.query('begin; lock table t in access exclusive mode');
      const run = p.spawn(['--url', t.url, 'backup', '--json']);
      await until(async () => {
        const { rows } = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'pg_dump' and wait_event_type = 'Lock'`);
        return rows.length > 0;
      }, "pg_dump's session was terminated");
      await blocker.query('rollback');
      const r = await run;
      expect(r.code, r.stderr).toBe(3);
      expect(r.json().error.code).toBe('connection_lost');
      expect(r.stderr).toMatch(/^error: lost the connection to the database during pg_dump: .*; the partial dump was removed$/m);
      expect(p.backups()).toEqual([]);
    } finally {
      await blocker.end();
      await admin.end();
    }
  });
  it.each([
    { how: 'one transaction', args: [] as string[], says: 'the restore runs in one transaction, which the server rolled back', tables: [] as string[] },
    { how: '--jobs 2', args: ['--jobs', '2'], says: 'pg_restore commits as it goes \\(not one transaction\\): what it wrote before stays', tables: ['t'] },
  ])("a lost connection in pg_restore's own session ($how) is exit 3, naming what the target holds", async ({ args, says, tables }) => {
    const t = await freshDatabase(server!);
    const into = await freshDatabase(server!);
    const hold = `dbctl-hold-${process.pid}-${args.length}`;
    // Every row restored waits while a session named `hold` exists: pg_restore is held in its COPY.
    await execSql(t.url, `${heldFunctionSql(hold)}
      create table t (id int check (public.held()));
      insert into t select generate_series(1, 10)`);
    const p = project();
    const backup = ok(await p.run(['--url', t.url, 'backup', '--json']));
    const holder = new pg.Client({ connectionString: t.url, application_name: hold });
    await holder.connect();
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    try {
      const run = p.spawn(['--url', t.url, 'restore', backup.file, '--into', into.url, '--json', ...args]);
      await until(async () => {
        const { rows } = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'pg_restore' and wait_event = 'PgSleep'`, [into.name]);
        return rows.length > 0;
      }, "pg_restore's session was terminated");
      const r = await run;
      expect(r.code, r.stderr).toBe(3);
      expect(r.json().error.code).toBe('connection_lost');
      expect(r.stderr).toMatch(new RegExp(`^error: lost the connection to the database during pg_restore: .*; ${says}$`, 'm'));
      if (tables.length) expect(r.stderr).toMatch(new RegExp(`^hint: .*${into.name} may hold part of the backup .*: run the restore again with --clean`, 'm'));
      const there = await execSql(into.url, `select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`);
      expect(there.map((row) => row.relname)).toEqual(tables);
    } finally {
      await holder.end();
      await admin.end();
    }
  });
});
