import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';

/**
 * argv → core call, in this process: no spawn, no database. The real command tree parses the
 * arguments and the real exit path maps errors to exit codes; the core functions the commands call
 * are recorded instead of run, and `withDatabase` hands them a database that is never opened.
 * Every usage error (exit 2) and refusal made before a database is opened is checked here; the
 * spawned end-to-end tests keep about one run per command and backend.
 */

const calls = vi.hoisted(() => [] as Array<{ fn: string; options: any }>);
const record = (fn: string, result: unknown = {}) => async (options: any) => {
  calls.push({ fn, options });
  return result;
};

vi.mock('../../src/cli/context.js', async (original) => {
  const real = await original<typeof import('../../src/cli/context.js')>();
  const { parseTarget } = await import('../../src/driver/target.js');
  return {
    ...real,
    withDatabase: async (ctx: any, fn: (database: any) => Promise<unknown>, url = ctx.config.url, source?: string) => {
      await real.announceTarget(ctx, url, source);
      calls.push({ fn: 'openDatabase', options: { url } });
      return fn({ target: parseTarget(url, ctx.config.cwd), capabilities: {}, close: async () => {} });
    },
  };
});
const RUN = { direction: 'up', results: [], batch: null, dryRun: false };
vi.mock('../../src/flows/migrate-up.js', () => ({ migrateUp: record('migrateUp', { run: RUN }) }));
vi.mock('../../src/migrate/migrator.js', async (original) => ({
  ...(await original<object>()),
  Migrator: class {
    constructor(readonly props: unknown) {}
    down = record('Migrator.down', { ...RUN, direction: 'down' });
    redo = record('Migrator.redo', { ...RUN, direction: 'down' });
    baseline = record('Migrator.baseline', RUN);
    repair = async (names: string[], options: object) => (calls.push({ fn: 'Migrator.repair', options: { names, ...options } }), { repaired: [], checked: 0 });
    verify = record('Migrator.verify', { summary: { applied: 0 } });
    status = record('Migrator.status', { migrations: [], summary: { total: 1, applied: 0, pending: 1, modified: 0, missing: 0 } });
  },
}));
vi.mock('../../src/flows/reset-and-seed.js', () => ({ resetAndSeed: record('resetAndSeed', { schemas: ['public'], truncated: [], kept: [], cascaded: [], sequences: [], dryRun: true }) }));
vi.mock('../../src/seed/index.js', async (original) => ({
  ...(await original<object>()),
  runSeeds: record('runSeeds', { env: 'development', seed: 42, scale: 1, seeds: [], totals: {}, dryRun: false, durationMs: 0, notes: [] }),
}));
vi.mock('../../src/backup/index.js', async (original) => ({
  ...(await original<object>()),
  // The file check restore makes before any database opens: these argv tests have no backup file.
  readManifest: () => ({}),
  backupDatabase: record('backupDatabase', {
    file: '/x/app.sql',
    manifestFile: '/x/app.sql.manifest.json',
    manifest: { database: 'app', format: 'plain', content: 'schema-only', bytes: 0, tables: [], serverVersion: '17' },
    durationMs: { dump: 0, manifest: 0, total: 0 },
    warnings: [],
  }),
  pruneBackups: (options: unknown) => {
    calls.push({ fn: 'pruneBackups', options });
    return { dryRun: true, removed: [], kept: [] };
  },
}));
vi.mock('../../src/flows/squash.js', () => ({
  squashMigrations: record('squashMigrations', { baseline: { name: '001_squash', file: '/x/001_squash.sql' }, squashed: ['001_a'], remaining: 0, data: [], archivedTo: null, deleted: true }),
}));
vi.mock('../../src/flows/branch-check.js', () => ({
  checkBranchMigrations: record('checkBranchMigrations', { ok: true, base: 'main', mergeBase: 'abc', ours: [], theirs: [], pairs: [], older: [] }),
}));
vi.mock('../../src/flows/fresh.js', () => ({ recreateDatabase: record('recreateDatabase', {}) }));
vi.mock('../../src/flows/restore-into-new.js', async (original) => ({
  ...(await original<object>()),
  restoreIntoNewDatabase: record('restoreIntoNewDatabase', { file: '/x/b.dump', target: 'b', method: 'sql-loader', cleaned: false, createdRoles: [], differences: [], warnings: [], tables: 0, rows: 0, durationMs: { restore: 0, verify: 0, total: 0 } }),
}));
vi.mock('../../src/testdb/index.js', async (original) => ({
  ...(await original<object>()),
  createTestdb: record('createTestdb', { name: 't', url: 'pglite://t', template: 'tpl', milliseconds: 0, built: false, strategy: 'copy' }),
}));
vi.mock('../../src/typegen/index.js', async (original) => ({
  ...(await original<object>()),
  inspectTypes: record('inspectTypes', { fresh: true, file: '/x/types.ts' }),
  writeTypes: record('writeTypes', { file: '/x/types.ts', changed: false, tables: 0 }),
}));

const migration = '-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n';
/** A project with both folders, so a command gets as far as its core call. */
const project = (files: Record<string, string> = {}) => tempProject({ 'migrations/001_a.sql': migration, 'seeds/common/.keep': '', ...files });
const called = (fn: string) => calls.filter((c) => c.fn === fn).map((c) => c.options);

beforeEach(() => void calls.splice(0));

describe('argv → core call', () => {
  it.each<[string, string[], string, Record<string, unknown>]>([
    ['migrate up, every flag', ['migrate', 'up', '--step', '2', '--to', '003_x', '--single-transaction', '--allow-drift', '--allow-unordered', '--dry-run', '--typegen', '--dump-schema', '--lint'], 'migrateUp',
      { step: 2, to: '003_x', singleTransaction: true, allowDrift: true, allowUnordered: true, dryRun: true, typegen: true, dumpSchema: true, lint: true }],
    ['migrate up --dry-run --out', ['migrate', 'up', '--dry-run', '--out', 'review'], 'migrateUp', { dryRun: true, out: 'review' }],
    ['migrate squash --to --delete', ['migrate', 'squash', '--to', '001_a', '--delete'], 'squashMigrations', { to: '001_a', delete: true }],
    ['migrate check --base', ['migrate', 'check', '--base', 'origin/main'], 'checkBranchMigrations', { base: 'origin/main' }],
    ['migrate latest (kysely-ctl alias)', ['migrate', 'latest'], 'migrateUp', {}],
    ['migrate down --step', ['migrate', 'down', '--step', '2', '--allow-drift'], 'Migrator.down', { step: 2, allowDrift: true }],
    ['migrate rollback --all --dry-run', ['migrate', 'rollback', '--all', '--dry-run'], 'Migrator.down', { all: true, dryRun: true }],
    ['migrate baseline NAME', ['migrate', 'baseline', '001_a'], 'Migrator.baseline', {}],
    ['reset --keep --seed --dry-run', ['reset', '--keep', 'a', 'b.c', '--seed', '--dry-run'], 'resetAndSeed', { keep: ['a', 'b.c'], seed: expect.objectContaining({ dir: expect.any(String) }), dryRun: true }],
    ['seed, every flag', ['seed', '--only', '01_x', '--scale', '3', '--seed', '7', '--dry-run'], 'runSeeds', { only: ['01_x'], scale: 3, seed: 7, dryRun: true }],
    ['backup --format plain --schema-only --out', ['backup', '--format', 'plain', '--schema-only', '--out', 'x.sql'], 'backupDatabase', { format: 'plain', schemaOnly: true, out: 'x.sql' }],
    ['backup prune', ['backup', 'prune', '--keep', '3', '--older-than', '7d', '--dry-run'], 'pruneBackups', { keep: 3, olderThanMs: 7 * 86_400_000, dryRun: true }],
    ['typegen (writes)', ['typegen'], 'writeTypes', {}],
    ['db fresh --no-seed --force', ['db', 'fresh', '--no-seed', '--force'], 'recreateDatabase', { seed: false, force: true }],
    ['restore --create', ['restore', 'b.dump', '--create', 'copy', '--clean'], 'restoreIntoNewDatabase', { create: 'copy', clean: true, file: expect.stringMatching(/b\.dump$/) }],
    ['testdb create --seed --lock-timeout', ['testdb', 'create', '--seed', '--lock-timeout', '2m'], 'createTestdb', { seed: true, config: expect.objectContaining({ env: 'test', lockTimeoutMs: 120_000 }) }],
  ])('%s', async (_name, args, fn, expected) => {
    const r = await runArgv(args, { cwd: project() });
    expect(r.code, r.stderr).toBe(0);
    expect(called(fn)).toEqual([expect.objectContaining(expected)]);
  });

  it('migrate up: --lock-timeout and --ddl-lock-timeout reach the config', async () => {
    await runArgv(['migrate', 'up', '--lock-timeout', '5s', '--ddl-lock-timeout', '250ms'], { cwd: project() });
    expect(called('migrateUp')[0].config).toMatchObject({ lockTimeoutMs: 5000, ddlLockTimeoutMs: 250 });
  });

  it('typegen: options reach the config the core gets; --check compares', async () => {
    const cwd = project();
    const r = await runArgv(['typegen', '--check', '--out', 'db/t.ts', '--camel-case', '--schema', 'app', 'audit', '--runtime-enums', '--vector-type', 'string'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(called('writeTypes')).toEqual([]);
    expect(called('inspectTypes')).toHaveLength(1);
  });

  it('migrate status --check: pending is exit 4, through the one exit path', async () => {
    const r = await runArgv(['migrate', 'status', '--check', '--json'], { cwd: project() });
    expect(r.code).toBe(4);
    expect(r.json()).toMatchObject({ ok: false, summary: { pending: 1 }, error: { code: 'status_check' } });
  });

  it('reset and seed ask the guard before opening the database: refused in a protected environment (exit 5)', async () => {
    const cwd = project({ 'dbctl.config.json': JSON.stringify({ environments: { production: { url: 'postgres://app@db.internal:5432/app' } } }) });
    for (const args of [['reset'], ['seed']]) {
      const r = await runArgv(['-e', 'production', ...args, '--json'], { cwd });
      expect(r.code, args.join(' ')).toBe(5);
      expect(r.json().error.code).toBe('protected');
    }
    expect(calls).toEqual([]);
  });

  it('the other destructive commands hand --force and --confirm to the core, which asks the guard', async () => {
    const cwd = project();
    const guard = { force: true, confirm: 'app' };
    for (const [args, fn] of [[['migrate', 'down'], 'Migrator.down'], [['migrate', 'redo'], 'Migrator.redo'], [['migrate', 'repair'], 'Migrator.repair'], [['db', 'fresh'], 'recreateDatabase'], [['restore', 'b.dump', '--create', 'copy'], 'restoreIntoNewDatabase']] as const) {
      const r = await runArgv([...args, '--force', '--confirm', 'app'], { cwd });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(called(fn), args.join(' ')).toEqual([expect.objectContaining(guard)]);
    }
  });
});

describe('usage errors: exit 2, one line, and one JSON document under --json', () => {
  it.each<[string[], RegExp]>([
    [['migrate', 'up', '--stepp', '2'], /unknown option '--stepp'/],
    [['migrate', 'down', '--step', '0'], /--step takes a positive whole number, got "0"/],
    [['migrate', 'up', '--step', 'zero'], /--step takes a positive whole number, got "zero"/],
    [['migrte'], /unknown command 'migrte'/],
    [['restore'], /missing required argument 'file'/],
    [['migrate', 'down', '--step', '1', '--all'], /choose one of --step, --to, --all, --batch \(got --step, --all\)/],
    [['fleet', 'migrate', 'down', '--step', '1', '--batch'], /choose one of --step, --to, --all, --batch/],
    [['fleet', '--concurrency', '0', 'status'], /--concurrency takes a positive whole number/],
    [['seed', '--scale', '0'], /--scale takes a positive whole number/],
    [['seed', '--seed', '-1'], /--seed takes a whole number ≥ 0/],
    [['backup', '--format', 'xml'], /'xml' is invalid/],
    [['backup', 'prune', '--older-than', 'soon'], /--older-than/],
    [['db', 'wait', '--timeout', 'soon'], /--timeout/],
    [['completion', 'tcsh'], /'tcsh' is invalid for argument 'shell'/],
    [['__complete', 'tables'], /nothing to complete for "tables"/],
    [['restore', 'x.dump', '--into', 'pglite://a', '--create', 'b'], /choose one of --into and --create/],
    [['testdb', 'drop'], /testdb drop takes either a NAME or --all/],
    [['schema', 'erd', '--check'], /schema erd --check needs --out FILE/],
    [['migrate', 'new', 'bad/name'], /.+/],
  ])('dbctl %j', async (args, message) => {
    const cwd = project();
    const human = await runArgv(args, { cwd });
    expect(human.code, human.stderr).toBe(2);
    expect(human.stderr).toMatch(message);
    expect(human.stderr).not.toMatch(/internal error|\n\s+at /);
    const json = await runArgv([...args, '--json'], { cwd });
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.stringMatching(message) } });
    expect(calls.filter((c) => c.fn !== 'openDatabase')).toEqual([]);
  });
});

describe('refusals before a database is opened (exit 2)', () => {
  /** One line, no stack, no "internal error". */
  const expectOneLine = (r: { code: number; stderr: string }, code: number, message: RegExp) => {
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at |Unhandled/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:')).join('\n')).toMatch(message);
  };

  it('a URL dbctl cannot use, without its password', async () => {
    const r = await runArgv(['migrate', 'status', '--url', 'mysql://root:hunter2@db/x'], { cwd: project() });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
    const port = await runArgv(['--url', 'postgres://app:s3cretpw@127.0.0.1:99999/app', 'migrate', 'status', '--json'], { cwd: project() });
    expect(port.code).toBe(2);
    expect(port.stdout + port.stderr).not.toContain('s3cretpw');
  });

  it.each([
    ['userinfo', 'postgres://postgres:Zq7Secret9x@127.0.0.1:5432/db'],
    ['query', 'postgres://postgres@127.0.0.1:5432/db?password=Zq7Secret9x'],
    ['unencoded @', 'postgres://postgres:Zq7Secret9x@x@127.0.0.1:5432/db'],
    ['%40', 'postgres://postgres:Zq7Secret9x%40x@127.0.0.1:5432/db'],
    ['conninfo', 'host=127.0.0.1 port=5432 user=postgres password=Zq7Secret9x dbname=db'],
  ])('no password in `config` or a refused URL (%s form)', async (_form, url) => {
    const cwd = project();
    for (const r of [await runArgv(['--url', url, 'config'], { cwd }), await runArgv(['--url', url, 'config', '--json'], { cwd })]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('Zq7Secret9x');
    }
    const bad = await runArgv(['--url', url.replace('5432', '99999'), 'migrate', 'status', '--json'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).not.toContain('Zq7Secret9x');
  });

  it('a config file with an unknown option', async () => {
    const r = await runArgv(['config'], { cwd: tempProject({ 'dbctl.config.json': '{"migratons": {}}' }) });
    expectOneLine(r, 2, /dbctl\.config\.json: unknown option "migratons"/);
  });

  it('an environment whose url variable is unset never falls back (migrate status, migrate up, backup)', async () => {
    const cwd = project({ 'dbctl.config.ts': 'export default { environments: { production: { url: process.env.PROD_DATABASE_URL_UNSET, protected: true } } };' });
    for (const args of [['migrate', 'status'], ['migrate', 'up'], ['backup', '--json']]) {
      const r = await runArgv(['-e', 'production', ...args], { cwd, env: { DATABASE_URL: 'postgres://app@127.0.0.1:1/app' } });
      expectOneLine(r, 2, /environment "production" declares an empty database URL/);
      if (args.includes('--json')) expect(r.json()).toMatchObject({ ok: false, error: { code: 'env_url_empty' } });
    }
    expect(fs.existsSync(path.join(cwd, '.dbctl'))).toBe(false);
    expect(fs.existsSync(path.join(cwd, 'backups'))).toBe(false);
  });

  it('a mistyped environment is refused, not run unguarded (--env and NODE_ENV)', async () => {
    const cwd = project({ 'dbctl.config.json': JSON.stringify({ environments: { production: { url: 'postgres://app@db.internal:5432/app' } } }) });
    const typo = await runArgv(['-e', 'prodution', 'reset'], { cwd });
    expectOneLine(typo, 2, /unknown environment "prodution" \(from --env\)/);
    expect(typo.stderr).toContain('hint: declared environments: production');
    expectOneLine(await runArgv(['reset'], { cwd, env: { NODE_ENV: 'prod' } }), 2, /unknown environment "prod" \(from NODE_ENV\)/);
  });

  it('a missing migrations or seeds folder, and nothing is created where dbctl happens to run', async () => {
    const cwd = project({ 'dbctl.config.json': '{}' });
    expectOneLine(await runArgv(['migrate', 'up'], { cwd, env: { DBCTL_MIGRATIONS_DIR: 'nosuchdir' } }), 2, /the migrations folder .*nosuchdir does not exist/);
    const stray = tempProject({});
    expectOneLine(await runArgv(['migrate', 'up'], { cwd: stray }), 2, /the migrations folder .* does not exist/);
    expectOneLine(await runArgv(['seed'], { cwd: stray }), 2, /the seeds folder .* does not exist/);
    expectOneLine(await runArgv(['reset', '--seed'], { cwd: stray }), 2, /the seeds folder .* does not exist/);
    expect(fs.existsSync(path.join(stray, '.dbctl'))).toBe(false);
    expect(calls.filter((c) => c.fn !== 'openDatabase')).toEqual([]);
  });

  it('never creates or drops the maintenance database, nor an in-memory one', async () => {
    const maintenance = await runArgv(['--url', 'postgres://postgres@127.0.0.1:1/postgres', 'db', 'drop'], { cwd: project() });
    expectOneLine(maintenance, 2, /"postgres" is the maintenance database/);
    expect((await runArgv(['--url', 'pglite://memory', 'db', 'create'], { cwd: project() })).code).toBe(2);
  });
});
