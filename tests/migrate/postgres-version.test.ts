import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { ExitCode } from '../../src/errors.js';
import { lintConfig, lintMigrations } from '../../src/lint/index.js';
import { backends } from '../helpers/backends.js';
import { migrationProject, sqlMigration, tsMigration } from './helpers.js';
import { CONSTRUCTS } from './server-version-constructs.js';

const NO_SQUAWK = { available: false as const, reason: 'not under test' };
const setVersion = (cwd: string, version?: number) =>
  fs.writeFileSync(path.join(cwd, 'dbctl.config.json'), JSON.stringify(version === undefined ? {} : { postgres: { version } }));

const VIRTUAL_AND_UUIDV7 = sqlMigration('create table t (\n  id uuid primary key default uuidv7(),\n  a int,\n  b int generated always as (a * 2) virtual\n);', 'drop table t;');

describe.each(backends)('postgres.version: the embedded database refuses what production would ($name)', (backend) => {
  it('migrate up refuses a migration the configured major cannot run, naming file:line:col and the version; 18 or unset runs it', async () => {
    const p = await migrationProject(backend, { '001_t.sql': VIRTUAL_AND_UUIDV7 });
    setVersion(p.cwd, 15);
    await p.reload();
    const error = await p.migrator.up().then(() => undefined, (e) => e);
    if (backend.name === 'pg') {
      // A server is its own judge: dbctl does not check, the server answers (PG 15 refuses `virtual`; 18 runs it).
      expect(String(error?.message ?? '')).not.toMatch(/postgres\.version/);
      return;
    }
    expect(error?.code).toBe('migration_invalid');
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe('001_t.sql:3:31: uuidv7() needs PostgreSQL 18; production runs PostgreSQL 15 (postgres.version) (and 1 more; `dbctl migrate lint` lists them)');
    expect(error.data.problems.map((x: { at: string }) => x.at)).toEqual(['001_t.sql:3:31', '001_t.sql:5:9']);
    expect(await p.query("select to_regclass('t') as t")).toEqual([{ t: null }]);
    // The dry run refuses it too: it shows what would run.
    expect((await p.migrator.up({ dryRun: true }).catch((e) => e))?.code).toBe('migration_invalid');

    for (const version of [18, undefined]) {
      setVersion(p.cwd, version);
      await p.reload();
      const report = await p.migrator.up();
      expect(report.results.map((r) => r.status)).toEqual(['success']);
      await p.migrator.down();
    }
  });

  it('each known construct: migrate up and lint refuse it with file:line:col on embedded (postgres.version 14 refuses them all)', async () => {
    const files = Object.fromEntries(CONSTRUCTS.map(([, , sql], k) => [`${String(k + 1).padStart(3, '0')}_c.sql`, sqlMigration(sql)]));
    const p = await migrationProject(backend, files);
    setVersion(p.cwd, 14);
    await p.reload();
    const config = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {} });
    const lint = await lintMigrations({ database: p.database, ...lintConfig(config), squawk: NO_SQUAWK });
    const found = lint.findings.filter((f) => f.rule === 'postgres-version');
    if (backend.name === 'pg') {
      expect(found).toEqual([]);
      return;
    }
    const error = await p.migrator.up({ dryRun: true }).then(() => undefined, (e) => e);
    expect(error?.code).toBe('migration_invalid');
    const refusedByUp = new Set(error.data.problems.map((x: { at: string }) => x.at.replace(/:\d+:\d+$/, '')));
    for (const [k, [name, since]] of CONSTRUCTS.entries()) {
      const file = Object.keys(files)[k];
      const mine = found.filter((f) => f.file === `migrations/${file}`);
      expect({ name, lint: mine.length > 0, up: refusedByUp.has(file) }).toEqual({ name, lint: true, up: true });
      expect(mine.every((f) => f.level === 'error' && f.line === 2 && (f.col ?? 0) >= 1)).toBe(true);
      expect(mine.map((f) => f.message).join('\n')).toMatch(new RegExp(`(needs PostgreSQL ${since}|PostgreSQL 14 cannot parse)`));
    }
    expect(lint.ok).toBe(false);
  });

  it('lint checks a TS migration on the SQL it was captured sending (up cannot see that SQL before it runs)', async () => {
    const p = await migrationProject(backend, { '001_ts.ts': tsMigration("await sql`create table ts_t (id uuid default uuidv7())`.execute(db);") });
    setVersion(p.cwd, 17);
    const config = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {} });
    const lint = await lintMigrations({ database: p.database, ...lintConfig(config), squawk: NO_SQUAWK }).catch((e: Error) => e);
    if (backend.name === 'pg') {
      // The server answers: capturing the migration on a server older than 18 fails there.
      return expect(lint instanceof Error ? lint.message : lint.findings.filter((f) => f.rule === 'postgres-version')).toEqual(lint instanceof Error ? expect.stringMatching(/uuidv7\(\) does not exist/) : []);
    }
    if (lint instanceof Error) throw lint;
    const found = lint.findings.filter((f) => f.rule === 'postgres-version');
    expect(found.map((f) => [f.statement, f.message.split(';')[0], f.level])).toEqual([['create table ts_t (id uuid default uuidv7())', 'uuidv7() needs PostgreSQL 18', 'error']]);
  });

  it('a project polyfill of a newer function (created by an earlier migration) is not flagged', async () => {
    const p = await migrationProject(backend, {
      '001_fn.sql': sqlMigration('create function uuidv7() returns uuid language sql as $$ select gen_random_uuid() $$;'),
    });
    await p.migrator.up();
    p.write({ '002_t.sql': sqlMigration('create table t (id uuid default uuidv7());') });
    setVersion(p.cwd, 16);
    await p.reload();
    const config = await resolveConfig({ cwd: p.cwd, url: p.url, environ: {} });
    expect((await lintMigrations({ database: p.database, ...lintConfig(config), squawk: NO_SQUAWK })).findings.filter((f) => f.rule === 'postgres-version')).toEqual([]);
    expect((await p.migrator.up()).results.map((r) => r.status)).toEqual(['success']);
  });
});

describe('postgres.version from the command line (embedded)', () => {
  it('migrate up exits 2 with one line naming file:line:col and the version, and a hint; nothing is applied', async () => {
    const { runArgv } = await import('../helpers/argv.js');
    const { tempProject } = await import('../helpers/cli.js');
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ postgres: { version: 16 } }), 'migrations/001_t.sql': VIRTUAL_AND_UUIDV7 });
    const run = await runArgv(['migrate', 'up'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: 001_t\.sql:3:31: uuidv7\(\) needs PostgreSQL 18; production runs PostgreSQL 16 \(postgres\.version\) \(and 1 more; `dbctl migrate lint` lists them\)$/m);
    expect(run.stderr).toMatch(/^hint: .*write it the PostgreSQL 16 way, or raise postgres\.version/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // Still pending (lint lints pending migrations only): nothing was applied.
    const lint = await runArgv(['migrate', 'lint', '--json'], { cwd });
    expect(JSON.parse(lint.stdout).findings.filter((f: { rule: string }) => f.rule === 'postgres-version').map((f: { line: number; col: number }) => `${f.line}:${f.col}`)).toEqual(['3:31', '5:9']);
  });
});
