import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/testing.js';
import { runCli, tempProject, type CliResult } from '../helpers/cli.js';

/**
 * The hostile battery (issue 29): the mistakes an ops script and a new user make, one spawned CLI run
 * each, driven by a table. Every case, whatever it expects, must hold the general invariants: no stack
 * trace, no "internal error", no password from any URL in any output, and for a failure exactly one
 * `error:` line naming the option, file or object at fault (and one JSON document under --json).
 * Adding a case is adding a row; a case that needs the server is marked and runs when
 * TEST_DATABASE_URL is set.
 */

const PW = 'Hostile-s3cret-pw';
const UNREACHABLE = `postgres://app:${PW}@127.0.0.1:1/app`;
const MIGRATION = '-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n';
const OK = { 'migrations/001_a.sql': MIGRATION };
const SERVER = process.env.TEST_DATABASE_URL;

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string | undefined>;
  files?: Record<string, string | Buffer>;
  /** Extra preparation of the project folder (directories, permissions). */
  setup?: (cwd: string) => void;
  /** The exit code; non-zero for every mistake. */
  code: number;
  /** The one `error:` line must match (it names the option, file or object). */
  error?: RegExp;
  /** For a case that succeeds: what must be true of the run. */
  outcome?: (r: CliResult, cwd: string) => void;
  /** Needs the server: `{server}` in args/env is replaced by a fresh database's URL. */
  server?: boolean;
  /**
   * Opens the database before it finds the mistake: runs on a fresh server database (DATABASE_URL)
   * when TEST_DATABASE_URL is set, where opening costs milliseconds instead of an embedded start,
   * else on the embedded database.
   */
  db?: boolean;
  /** Runs on the embedded database whatever the environment (the embedded path of a db case). */
  embedded?: boolean;
}

const cases: Case[] = [];
const add = (...c: Case[]) => cases.push(...c);

// ---- global options and environment variables ----
add(
  { name: 'unknown command', args: ['migrat', 'up'], code: 2, error: /migrat/ },
  { name: 'unknown subcommand', args: ['migrate', 'upp'], files: OK, code: 2, error: /upp/ },
  { name: 'unknown flag', args: ['migrate', 'up', '--nosuch'], files: OK, code: 2, error: /--nosuch/ },
  { name: '--connect-timeout 5x', args: ['--connect-timeout', '5x', 'migrate', 'status'], files: OK, code: 2, error: /connect-timeout/ },
  { name: '--connect-timeout -1', args: ['--connect-timeout', '-1', 'migrate', 'status'], files: OK, code: 2, error: /connect-timeout/ },
  { name: '--connect-timeout abc', args: ['--connect-timeout', 'abc', 'migrate', 'status'], files: OK, code: 2, error: /connect-timeout/ },
  { name: 'DBCTL_MIGRATIONS_DIR to a missing folder', args: ['migrate', 'status'], env: { DBCTL_MIGRATIONS_DIR: 'nope' }, files: OK, code: 2, error: /nope/ },
  { name: 'DBCTL_MIGRATIONS_DIR to a file', args: ['migrate', 'status'], env: { DBCTL_MIGRATIONS_DIR: 'afile' }, files: { ...OK, afile: 'x' }, code: 2, error: /afile/ },
  { name: '-e undeclared name', args: ['-e', 'prodution', 'migrate', 'status'], files: { ...OK, 'dbctl.config.json': JSON.stringify({ environments: { production: { url: UNREACHABLE } } }) }, code: 2, error: /prodution/ },
  { name: 'DBCTL_ENV undeclared name', args: ['migrate', 'status'], env: { DBCTL_ENV: 'stagin' }, files: { ...OK, 'dbctl.config.json': JSON.stringify({ environments: { staging: { url: UNREACHABLE } } }) }, code: 2, error: /stagin/ },
  { name: 'NODE_ENV undeclared name', args: ['reset'], env: { NODE_ENV: 'prod' }, files: { ...OK, 'dbctl.config.json': JSON.stringify({ environments: { production: { url: UNREACHABLE } } }) }, code: 2, error: /prod/ },
  { name: 'protected env on the embedded database', args: ['-e', 'production', 'migrate', 'up'], files: OK, code: 2, error: /production/ },
  { name: 'undeclared prd-ish env on embedded', args: ['-e', 'prd-eu', 'reset'], files: OK, code: 2, error: /prd-eu/ },
  { name: 'env name with a quote', args: ['-e', 'x";drop', 'migrate', 'status'], files: { ...OK, 'dbctl.config.json': JSON.stringify({ environments: { dev: {} } }) }, code: 2, error: /x";drop/ },
  { name: '--config missing file', args: ['--config', 'nosuch.json', 'migrate', 'status'], files: OK, code: 2, error: /nosuch\.json/ },
  { name: '--config a directory', args: ['--config', 'cfgdir', 'migrate', 'status'], files: { ...OK, 'cfgdir/x': '' }, code: 2, error: /cfgdir/ },
  { name: '--config with an unknown extension', args: ['--config', 'conf.yaml', 'migrate', 'status'], files: { ...OK, 'conf.yaml': 'url: x' }, code: 2, error: /conf\.yaml/ },
);

// ---- URLs ----
add(
  { name: 'URL with a bad port', args: ['--url', `postgres://app:${PW}@127.0.0.1:99999/app`, 'migrate', 'status'], files: OK, code: 2, error: /port|URL|url/ },
  { name: 'URL with an unknown scheme', args: ['--url', `mysql://app:${PW}@127.0.0.1/app`, 'migrate', 'status'], files: OK, code: 2, error: /mysql/ },
  { name: 'URL that is not one', args: ['--url', 'not a url', 'migrate', 'status'], files: OK, code: 2, error: /url|URL/ },
  { name: 'URL with a broken IPv6 host', args: ['--url', `postgres://app:${PW}@[::1/app`, 'migrate', 'status'], files: OK, code: 2, error: /url|URL/ },
  { name: 'DATABASE_URL malformed', args: ['migrate', 'status'], env: { DATABASE_URL: `postgres://app:${PW}@host:port/db` }, files: OK, code: 2, error: /DATABASE_URL|URL|url/ },
  { name: 'config url malformed', args: ['migrate', 'status'], files: { ...OK, 'dbctl.config.json': JSON.stringify({ url: `postgres://app:${PW}@host:-3/db` }) }, code: 2, error: /url|URL/ },
  { name: 'libpq keyword string with a password', args: ['migrate', 'status'], env: { DATABASE_URL: `host=127.0.0.1 port=1 user=app password=${PW} dbname=app` }, files: OK, code: 2, error: /password=\*\*\*/ },
);

// ---- pglite:// to something that is not a database: refused before anything is written ----
const untouched = (dir: string, entries: string[]) => (_r: CliResult, cwd: string) => {
  expect(fs.readdirSync(path.join(cwd, dir)).sort()).toEqual(entries);
  expect(fs.existsSync(path.join(cwd, `${dir}.lock`))).toBe(false);
};
add(
  { name: 'pglite:// to a file', args: ['--url', 'pglite://./afile', 'migrate', 'status'], files: { ...OK, afile: 'x' }, code: 2, error: /afile is not a directory/ },
  { name: 'pglite:// under a file', args: ['--url', 'pglite://./afile/db', 'migrate', 'up'], files: { ...OK, afile: 'x' }, code: 2, error: /afile\/db is not a directory/ },
  { name: 'pglite:// to a folder of the user\'s files', args: ['--url', 'pglite://./stuff', 'migrate', 'up'], files: { ...OK, 'stuff/notes.txt': 'mine' }, code: 2, error: /stuff is not a PGlite data directory.*notes\.txt/, outcome: untouched('stuff', ['notes.txt']) },
  { name: 'pglite:// to a server data directory', args: ['--url', 'pglite://./pgdata', 'reset'], files: { ...OK, 'pgdata/PG_VERSION': '15\n', 'pgdata/postmaster.opts': '/usr/bin/postgres\n' }, code: 2, error: /pgdata is a PostgreSQL server's data directory/, outcome: untouched('pgdata', ['PG_VERSION', 'postmaster.opts']) },
);

// ---- an unreachable server: exit 3, one line, no password ----
const unreachable = (args: string[], files: Record<string, string> = OK): Case => ({
  name: `unreachable: ${args.join(' ')}`,
  args: ['--url', UNREACHABLE, '--connect-timeout', '0', ...args],
  files,
  code: 3,
  error: /127\.0\.0\.1:1/,
});
add(
  unreachable(['migrate', 'status']),
  unreachable(['migrate', 'status', '--json']),
  unreachable(['migrate', 'up']),
  unreachable(['migrate', 'down']),
  unreachable(['migrate', 'verify']),
  unreachable(['migrate', 'baseline', '001_a']),
  unreachable(['migrate', 'repair']),
  unreachable(['seed'], { ...OK, 'seeds/common/01.sql': 'select 1;' }),
  unreachable(['reset']),
  unreachable(['reset', '--dry-run', '--json']),
  unreachable(['typegen']),
  unreachable(['summary']),
  unreachable(['backup']),
  unreachable(['schema', 'drift']),
  unreachable(['schema', 'dump', '--out', '-']),
  unreachable(['schema', 'erd']),
  unreachable(['db', 'create']),
  unreachable(['db', 'drop']),
  unreachable(['db', 'wait', '--timeout', '1s']),
  unreachable(['testdb', 'list']),
  unreachable(['testdb', 'create']),
  unreachable(['testdb', 'drop', '--all']),
  unreachable(['fleet', '--all-databases', 'tenant_*', 'status']),
);

// ---- malformed config files ----
const config = (name: string, content: string, error: RegExp, args = ['migrate', 'status'], file = 'dbctl.config.json'): Case => ({
  name: `config: ${name}`,
  args,
  files: { ...OK, [file]: content },
  code: 2,
  error,
});
add(
  config('an array', '[]', /dbctl\.config\.json/),
  config('a string', '"x"', /dbctl\.config\.json/),
  config('empty file', '', /dbctl\.config\.json/),
  config('JSON syntax error', '{"migrations": {', /dbctl\.config\.json/),
  config('unknown top-level key', '{"migration": {"dir": "m"}}', /migration/),
  config('unknown nested key', '{"migrations": {"folder": "m"}}', /migrations\.folder/),
  config('wrong type (dir: 5)', '{"migrations": {"dir": 5}}', /migrations\.dir/),
  config('wrong shape (migrations: "x")', '{"migrations": "x"}', /migrations/),
  config('environment url a number', '{"environments": {"test": {"url": 5}}}', /environments\.test\.url/, ['-e', 'test', 'migrate', 'status']),
  config('environment an array', '{"environments": {"test": []}}', /environments\.test/, ['-e', 'test', 'migrate', 'status']),
  config('seed not an integer', '{"seeds": {"seed": 1.5}}', /seeds\.seed/, ['seed']),
  config('productionHosts a string', '{"productionHosts": "db.prod"}', /productionHosts/),
  config('fleets entry a number', '{"fleets": {"a": 5}}', /fleets\.a/, ['fleet', '--fleet', 'a', 'status']),
  config('lint rule unknown', '{"lint": {"rules": {"no-such-rule": "error"}}}', /no-such-rule/, ['migrate', 'lint']),
  config('protected env with an empty url', '{"environments": {"production": {"url": ""}}}', /production/, ['-e', 'production', 'reset']),
  config('TS syntax error', 'export default {\n  migrations: { dir: "migrations" \n', /dbctl\.config\.ts/, ['migrate', 'status'], 'dbctl.config.ts'),
  config('TS that throws', 'throw new Error("config boom");\nexport default {};\n', /dbctl\.config\.ts.*config boom|config boom.*dbctl\.config\.ts/, ['migrate', 'status'], 'dbctl.config.ts'),
  config('TS default export a number', 'export default 42;\n', /dbctl\.config\.ts/, ['migrate', 'status'], 'dbctl.config.ts'),
  config('TS imports a missing module', 'import x from "./nope.js";\nexport default x;\n', /dbctl\.config\.ts|nope/, ['migrate', 'status'], 'dbctl.config.ts'),
  config('mjs unknown key', 'export default { migratons: {} };\n', /migratons/, ['migrate', 'status'], 'dbctl.config.mjs'),
  config('connectTimeout not a duration', '{"connectTimeout": "forever"}', /dbctl\.config\.json: connectTimeout.*forever/),
  config('lockTimeout negative', '{"lockTimeout": "-1s"}', /dbctl\.config\.json: lockTimeout.*-1s/),
  config('poolSize 0', '{"poolSize": 0}', /dbctl\.config\.json: poolSize/),
  config('poolSize not an integer', '{"poolSize": 2.5}', /dbctl\.config\.json: poolSize/),
  config('lint level unknown', '{"lint": {"rules": {"renaming-column": "fatal"}}}', /lint\.rules\.renaming-column.*"fatal"/, ['migrate', 'lint']),
);
// A bad value from a variable names the variable, never a flag the user did not give.
add(
  ...[['DBCTL_CONNECT_TIMEOUT', 'abc'], ['DBCTL_LOCK_TIMEOUT', '-5s'], ['DBCTL_DDL_LOCK_TIMEOUT', 'soon']].map(([name, value]): Case => ({
    name: `${name}=${value}`, args: ['migrate', 'status'], env: { [name]: value }, files: OK, code: 2, error: new RegExp(`${name}: "${value}"`),
  })),
);

// ---- malformed migrations ----
const migrations = (name: string, files: Record<string, string>, error: RegExp, args = ['migrate', 'up'], code = 2): Case => ({
  name: `migrations: ${name}`,
  args,
  files: Object.fromEntries(Object.entries(files).map(([k, v]) => [`migrations/${k}`, v])),
  code,
  error,
});
add(
  migrations('.sql without markers', { '001_a.sql': 'create table a (id int);\n' }, /001_a\.sql/),
  migrations('.sql with a misspelt marker', { '001_a.sql': '-- migrate:upp\ncreate table a (id int);\n' }, /001_a\.sql/),
  migrations('.sql with two up markers', { '001_a.sql': '-- migrate:up\ncreate table a (id int);\n-- migrate:up\ncreate table b (id int);\n' }, /001_a\.sql/),
  migrations('.sql with down before up', { '001_a.sql': '-- migrate:down\ndrop table a;\n-- migrate:up\ncreate table a (id int);\n' }, /001_a\.sql/),
  migrations('.sql with an unknown option on the marker', { '001_a.sql': '-- migrate:up transaction:maybe\ncreate table a (id int);\n' }, /001_a\.sql/),
  migrations('same name as .sql and .ts', { '001_a.sql': MIGRATION, '001_a.ts': 'export async function up() {}\n' }, /001_a/),
  migrations('TS without up', { '001_a.ts': 'export async function down() {}\n' }, /001_a\.ts/),
  migrations('TS with up not a function', { '001_a.ts': 'export const up = 5;\n' }, /001_a\.ts/),
  migrations('TS syntax error', { '001_a.ts': 'export async function up( {\n' }, /001_a\.ts/),
  migrations('TS that throws on import', { '001_a.ts': 'throw new Error("import boom");\nexport async function up() {}\n' }, /001_a\.ts/),
  migrations('TS up that throws', { '001_a.ts': 'export async function up() { throw new Error("up boom"); }\n' }, /001_a.*up boom/, ['migrate', 'up'], 1),
  migrations('SQL error', { '001_a.sql': '-- migrate:up\ncreate tabel a (id int);\n' }, /001_a.*tabel/, ['migrate', 'up'], 1),
  migrations('--step abc', OK_M(), /--step/, ['migrate', 'up', '--step', 'abc']),
  migrations('--step 0', OK_M(), /--step/, ['migrate', 'up', '--step', '0']),
  migrations('--step -1', OK_M(), /--step/, ['migrate', 'up', '--step', '-1']),
  migrations('--step 1.5', OK_M(), /--step/, ['migrate', 'up', '--step', '1.5']),
  migrations('up --to a missing name', OK_M(), /nosuch/, ['migrate', 'up', '--to', 'nosuch']),
  migrations('--lock-timeout 5x', OK_M(), /--lock-timeout/, ['migrate', 'up', '--lock-timeout', '5x']),
  migrations('--ddl-lock-timeout abc', OK_M(), /--ddl-lock-timeout/, ['migrate', 'up', '--ddl-lock-timeout', 'abc']),
  migrations('down --step abc', OK_M(), /--step/, ['migrate', 'down', '--step', 'abc']),
  migrations('down --to a missing name', OK_M(), /nosuch/, ['migrate', 'down', '--to', 'nosuch']),
  migrations('down --all with --step', OK_M(), /--all|--step/, ['migrate', 'down', '--all', '--step', '2']),
  migrations('down --batch with --to', OK_M(), /--batch|--to/, ['migrate', 'down', '--batch', '--to', '001_a']),
  migrations('baseline of a missing name', OK_M(), /nosuch/, ['migrate', 'baseline', 'nosuch']),
  migrations('repair of a missing name', OK_M(), /nosuch/, ['migrate', 'repair', 'nosuch']),
  migrations('lint of a missing name', OK_M(), /nosuch/, ['migrate', 'lint', 'nosuch']),
  migrations('test --from a missing name', OK_M(), /nosuch/, ['migrate', 'test', '--from', 'nosuch']),
  migrations('new with a path in the name', OK_M(), /\.\.\/escape|name/, ['migrate', 'new', '../escape']),
  migrations('new with an SQL-ish name', OK_M(), /name/, ['migrate', 'new', 'x"; drop table a; --']),
  migrations('status --json in a missing folder', {}, /migrations/, ['migrate', 'status', '--json']),
  migrations('redo with nothing applied', OK_M(), /cannot redo: no migration is applied/, ['migrate', 'redo']),
);
function OK_M(): Record<string, string> {
  return { '001_a.sql': MIGRATION };
}

// ---- seeds and fixtures ----
const seeds = (name: string, files: Record<string, string>, error: RegExp, args = ['seed'], code = 2): Case => ({
  name: `seeds: ${name}`,
  args,
  files: { ...OK, ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`seeds/${k}`, v])) },
  code,
  error,
});
const SEED_TABLE = "import { sql } from 'kysely';\nexport async function seed(ctx: any) {\n  await ctx.upsertFixture('things', { table: 'a', key: 'id' });\n}\n";
add(
  seeds('a seed that throws', { 'common/01_boom.ts': 'export async function seed() { throw new Error("seed boom"); }\n' }, /01_boom.*seed boom/, ['seed'], 1),
  seeds('a seed without seed()', { 'common/01_none.ts': 'export const x = 1;\n' }, /01_none/),
  seeds('a seed with a syntax error', { 'common/01_bad.ts': 'export async function seed( {\n' }, /01_bad/),
  seeds('a .sql seed with an error', { 'common/01_bad.sql': 'insert into nosuch values (1);\n' }, /01_bad\.sql.*nosuch|nosuch.*01_bad/, ['seed'], 1),
  seeds('--only a missing seed', { 'common/01.sql': 'select 1;' }, /nosuch/, ['seed', '--only', 'nosuch']),
  seeds('--scale abc', { 'common/01.sql': 'select 1;' }, /--scale/, ['seed', '--scale', 'abc']),
  seeds('--scale -1', { 'common/01.sql': 'select 1;' }, /--scale/, ['seed', '--scale', '-1']),
  seeds('--seed abc', { 'common/01.sql': 'select 1;' }, /--seed/, ['seed', '--seed', 'abc']),
  seeds('--seed 1.5', { 'common/01.sql': 'select 1;' }, /--seed/, ['seed', '--seed', '1.5']),
  seeds('new with a path in the name', { 'common/01.sql': 'select 1;' }, /name|\.\./, ['seed', 'new', '../../escape']),
  { name: 'seeds: the folder is missing', args: ['seed'], files: OK, code: 2, error: /seeds/ },
  seeds('malformed CSV fixture', { 'common/01_f.ts': SEED_TABLE }, /01_f.*things\.csv:3/, ['seed'], 1),
  seeds('malformed JSON fixture', { 'common/01_f.ts': SEED_TABLE }, /01_f.*things\.json:1/, ['seed'], 1),
  seeds('a missing fixture', { 'common/01_f.ts': SEED_TABLE }, /01_f.*things/, ['seed'], 1),
);
cases.find((c) => c.name === 'seeds: malformed CSV fixture')!.files!['fixtures/things.csv'] = 'id,name\n1,a\n2,b,c\n';
cases.find((c) => c.name === 'seeds: malformed JSON fixture')!.files!['fixtures/things.json'] = '[{"id": 1,}]';

// ---- reset, db, testdb ----
add(
  { name: 'reset --keep a missing table', args: ['reset', '--keep', 'nosuch'], files: OK, code: 2, error: /nosuch/ },
  { name: 'db wait --timeout 5x', args: ['db', 'wait', '--timeout', '5x'], files: OK, code: 2, error: /--timeout/ },
  { name: 'db wait --timeout -1s', args: ['db', 'wait', '--timeout', '-1s'], files: OK, code: 2, error: /--timeout/ },
  { name: 'testdb drop with neither a name nor --all', args: ['testdb', 'drop'], files: OK, code: 2, error: /name|--all/ },
  { name: 'testdb drop a name and --all', args: ['testdb', 'drop', 'x', '--all'], files: OK, code: 2, error: /--all/ },
  { name: 'testdb prune --older-than 5x', args: ['testdb', 'prune', '--older-than', '5x'], files: OK, code: 2, error: /--older-than/ },
  { name: 'testdb create --lock-timeout abc', args: ['testdb', 'create', '--lock-timeout', 'abc'], files: OK, code: 2, error: /--lock-timeout/ },
  { name: 'completion for an unknown shell', args: ['completion', 'tcsh'], code: 2, error: /tcsh/ },
);

// ---- backup and restore ----
// Refused before the database opens: no embedded start, no .dbctl/ made.
const noDatabase = (_r: CliResult, cwd: string) => expect(fs.existsSync(path.join(cwd, '.dbctl')), 'the embedded database was opened').toBe(false);
const FAKE_MANIFEST = JSON.stringify({ manifestVersion: 1, tables: [], sha256: '0' });
add(
  { name: 'backup --format tar', args: ['backup', '--format', 'tar'], files: OK, code: 2, error: /--format|tar/ },
  { name: 'backup --schema-only --data-only', args: ['backup', '--schema-only', '--data-only'], files: OK, code: 2, error: /--schema-only|--data-only/, outcome: noDatabase },
  { name: 'backup --out an existing folder', args: ['backup', '--out', 'outdir'], files: { ...OK, 'outdir/x': '' }, code: 2, error: /outdir/, outcome: noDatabase },
  { name: 'backup --out under a file', args: ['backup', '--out', 'afile/x.sql'], files: { ...OK, afile: 'x' }, code: 2, error: /afile/, outcome: noDatabase },
  { name: 'restore a missing file', args: ['restore', 'nosuch.sql'], files: OK, code: 2, error: /nosuch\.sql/, outcome: noDatabase },
  { name: 'restore a folder', args: ['restore', 'bdir'], files: { ...OK, 'bdir/x': '' }, code: 2, error: /bdir/, outcome: noDatabase },
  { name: 'restore garbage', args: ['restore', 'garbage.dump'], files: { ...OK, 'garbage.dump': Buffer.from([0, 1, 2, 3, 255, 254, 10, 0]).toString('latin1') }, code: 2, error: /garbage\.dump/ },
  { name: 'restore a truncated custom dump', args: ['restore', 'trunc.dump'], files: { ...OK, 'trunc.dump': 'PGDMP\u0001\u000e\u0000' }, code: 2, error: /trunc\.dump/ },
  { name: 'restore an empty file', args: ['restore', 'empty.sql'], files: { ...OK, 'empty.sql': '' }, code: 2, error: /empty\.sql/ },
  { name: 'restore --into a malformed URL', args: ['restore', 'x.sql', '--into', `mysql://u:${PW}@h/d`], files: { ...OK, 'x.sql': 'select 1;' }, code: 2, error: /mysql|--into/ },
  { name: 'restore --create and --into', args: ['restore', 'x.sql', '--create', 'a', '--into', UNREACHABLE], files: { ...OK, 'x.sql': 'select 1;' }, code: 2, error: /--create|--into/ },
  { name: 'restore --create a name with SQL in it', args: ['restore', 'x.sql', '--create', 'x"; drop database postgres; --'], files: { ...OK, 'x.sql': 'select 1;', 'x.sql.manifest.json': FAKE_MANIFEST }, code: 2, error: /--create "x\\"; drop.*database name/, outcome: noDatabase },
  { name: 'restore --create of a file that is no backup', args: ['restore', 'x.sql', '--create', 'copy'], files: { ...OK, 'x.sql': 'select 1;' }, code: 2, error: /x\.sql is not a dbctl backup/, outcome: noDatabase },
  { name: 'backup verify a missing file', args: ['backup', 'verify', 'nosuch.dump'], files: OK, code: 2, error: /nosuch\.dump/ },
  { name: 'backup verify garbage', args: ['backup', 'verify', 'garbage.sql'], files: { ...OK, 'garbage.sql': 'hello\n' }, code: 2, error: /garbage\.sql/ },
  { name: 'backup verify with a garbage manifest', args: ['backup', 'verify', 'b.sql'], files: { ...OK, 'b.sql': '-- dump\n', 'b.sql.manifest.json': '{"nope":' }, code: 2, error: /manifest|b\.sql/ },
  { name: 'backup prune without --keep or --older-than', args: ['backup', 'prune'], files: OK, code: 2, error: /--keep|--older-than/ },
  { name: 'backup prune --keep abc', args: ['backup', 'prune', '--keep', 'abc'], files: OK, code: 2, error: /--keep/ },
  { name: 'backup prune --keep -1', args: ['backup', 'prune', '--keep', '-1'], files: OK, code: 2, error: /--keep/ },
  { name: 'backup prune --older-than 0', args: ['backup', 'prune', '--older-than', '0'], files: { ...OK, 'backups/keep.txt': 'x' }, code: 2, error: /--older-than 0/ },
  { name: 'backup prune without a backups folder', args: ['backup', 'prune', '--keep', '3'], files: OK, code: 2, error: /backups\.dir .*backups does not exist/ },
  { name: 'backup prune --older-than 5x', args: ['backup', 'prune', '--older-than', '5x'], files: OK, code: 2, error: /--older-than/ },
);

// ---- schema, typegen ----
add(
  { name: 'schema erd --format png', args: ['schema', 'erd', '--format', 'png'], files: OK, code: 2, error: /--format|png/ },
  { name: 'schema dump --out a path under a file', args: ['schema', 'dump', '--out', 'ofile/schema.sql'], files: { ...OK, 'ofile': '' }, code: 2, error: /ofile/ },
  { name: 'schema dump --check of a missing file', args: ['schema', 'dump', '--check', '--out', 'nosuch.sql'], files: OK, code: 4, error: /nosuch\.sql/ },
  { name: 'typegen --out an existing folder', args: ['typegen', '--out', 'odir'], files: { ...OK, 'odir/x': '' }, code: 2, error: /odir/ },
  { name: 'typegen --schema of a missing schema', args: ['typegen', '--schema', 'public', 'nosuchschema', '--out', 't.ts'], files: OK, code: 2, error: /nosuchschema/ },
  { name: 'schema erd --tables matching nothing', args: ['schema', 'erd', '--tables', 'nosuchtable'], files: OK, code: 2, error: /nosuchtable/ },
  { name: 'typegen --check of a missing file', args: ['typegen', '--check', '--out', 'nosuch.ts'], files: OK, code: 4, error: /nosuch\.ts/ },
);

// ---- fleet ----
add(
  { name: 'fleet without --fleet or --all-databases', args: ['fleet', 'status'], files: OK, code: 2, error: /--fleet|--all-databases/ },
  { name: 'fleet of an undeclared fleet', args: ['fleet', '--fleet', 'nosuch', 'status'], files: OK, code: 2, error: /nosuch/ },
  { name: 'fleet --fleet with --all-databases', args: ['fleet', '--fleet', 'a', '--all-databases', 'x', 'status'], files: OK, code: 2, error: /--fleet|--all-databases/ },
  { name: 'fleet --concurrency 0', args: ['fleet', '--all-databases', 'x', '--concurrency', '0', 'status'], files: OK, code: 2, error: /--concurrency/ },
  { name: 'fleet --concurrency abc', args: ['fleet', '--all-databases', 'x', '--concurrency', 'abc', 'status'], files: OK, code: 2, error: /--concurrency/ },
  { name: 'fleet --canary -1', args: ['fleet', '--all-databases', 'x', '--canary', '-1', 'status'], files: OK, code: 2, error: /--canary/ },
  { name: 'fleet --all-databases on the embedded database', args: ['fleet', '--all-databases', 'x', 'status'], files: OK, code: 2, error: /embedded|server/ },
  { name: 'fleet exec a missing file', args: ['--url', UNREACHABLE, 'fleet', '--all-databases', 'x', 'exec', 'nosuch.sql'], files: OK, code: 2, error: /nosuch\.sql/ },
);

// ---- missing arguments, more wrong values ----
add(
  { name: 'restore without a file', args: ['restore'], files: OK, code: 2, error: /file/ },
  { name: 'migrate baseline without a name', args: ['migrate', 'baseline'], files: OK, code: 2, error: /name/ },
  { name: 'completion without a shell', args: ['completion'], code: 2, error: /shell/ },
  { name: 'fleet exec without a file', args: ['fleet', '--all-databases', 'x', 'exec'], files: OK, code: 2, error: /file/ },
  { name: 'fleet --canary abc', args: ['fleet', '--all-databases', 'x', '--canary', 'abc', 'status'], files: OK, code: 2, error: /--canary/ },
  { name: 'fleet seed --seed -1', args: ['fleet', '--all-databases', 'x', 'seed', '--seed', '-1'], files: OK, code: 2, error: /--seed/ },
  { name: 'testdb prune --older-than -1h', args: ['testdb', 'prune', '--older-than', '-1h'], files: OK, code: 2, error: /--older-than/ },
  { name: 'schema erd --check without --out', args: ['schema', 'erd', '--check'], files: OK, code: 2, error: /--out/ },
  { name: 'typegen --out a .js file', args: ['typegen', '--out', 'types.js'], files: OK, code: 2, error: /types\.js/ },
  { name: 'typegen --out inside node_modules', args: ['typegen', '--out', 'node_modules/x/types.ts'], files: OK, code: 2, error: /node_modules/ },
  { name: 'seed --only with a path', args: ['seed', '--only', '../../etc/passwd'], files: { ...OK, 'seeds/common/01.sql': 'select 1;' }, code: 2, error: /etc\/passwd/ },
  { name: 'migrate up --json with a broken marker', args: ['migrate', 'up', '--json'], files: { 'migrations/001_a.sql': '-- migrate:upp\ncreate table a (id int);\n' }, code: 2, error: /001_a\.sql/ },
  unreachable(['--json', 'migrate', 'up']),
  unreachable(['db', 'wait', '--migrated', '--timeout', '1s']),
  unreachable(['db', 'fresh', '--force', '--no-seed']),
  unreachable(['migrate', 'redo']),
  unreachable(['seed', '--dry-run'], { ...OK, 'seeds/common/01.sql': 'select 1;' }),
  unreachable(['summary', '--digest', '--json']),
  { name: 'unreachable: password with an @ in it', args: ['--connect-timeout', '0', 'migrate', 'status'], env: { DATABASE_URL: `postgres://app:${PW}@x@127.0.0.1:1/app` }, files: OK, code: 3, error: /127\.0\.0\.1:1/ },
  { name: 'unreachable: ?password= in the query', args: ['--connect-timeout', '0', 'migrate', 'status'], env: { DATABASE_URL: `postgres://app@127.0.0.1:1/app?password=${PW}` }, files: OK, code: 3, error: /127\.0\.0\.1:1/ },
  { name: 'unreachable: percent-encoded password', args: ['--connect-timeout', '0', '--json', 'summary'], env: { DATABASE_URL: `postgres://app:${encodeURIComponent(PW + '/?#')}@127.0.0.1:1/app` }, files: OK, code: 3, error: /127\.0\.0\.1:1/ },
);

// ---- a password never appears, even on success ----
add({
  name: 'config prints the URL redacted',
  args: ['--url', `postgres://app:${PW}@db.example:5432/app?sslmode=disable`, 'config', '--json'],
  files: OK,
  code: 0,
  outcome: (r) => expect(r.json().target?.url ?? JSON.stringify(r.json())).toContain('db.example'),
});

// ---- cases on the server: guards in a non-TTY, and a real database that must not lose its rows ----
if (SERVER) {
  const prod = (args: string[], error: RegExp, code = 5): Case => ({
    name: `protected (server): ${args.join(' ')}`,
    args: ['-e', 'production', ...args],
    files: { ...OK, 'x.sql': 'select 1;\n', 'dbctl.config.json': JSON.stringify({ environments: { production: { url: '{server}' } } }) },
    code,
    error,
    server: true,
  });
  add(
    prod(['reset'], /production/),
    prod(['reset', '--force'], /not confirmed/),
    prod(['reset', '--force', '--confirm', 'wrong'], /wrong|not confirmed/),
    prod(['reset', '--json', '--force'], /not confirmed/),
    prod(['migrate', 'down'], /production/),
    prod(['migrate', 'redo', '--force'], /not confirmed/),
    prod(['seed'], /production/),
    prod(['db', 'drop'], /production/),
    prod(['db', 'fresh', '--force', '--confirm', 'nope'], /nope|not confirmed/),
    prod(['restore', 'x.sql', '--clean'], /x\.sql.*manifest/, 2),
    { name: 'testdb drop a name that is an SQL injection', args: ['--url', '{server}', 'testdb', 'drop', 'x"; drop database postgres; --'], files: OK, code: 5, error: /x"; drop.*not a dbctl test database/, server: true },
    { name: 'testdb drop a unicode name that does not exist', args: ['--url', '{server}', 'testdb', 'drop', 'tëst_ü'], files: OK, code: 5, error: /tëst_ü.*not a dbctl test database/, server: true },
    { name: 'restore --create a database that exists', args: ['--url', '{server}', 'restore', 'x.sql', '--create', 'postgres'], files: { ...OK, 'x.sql': 'select 1;', 'x.sql.manifest.json': FAKE_MANIFEST }, code: 2, error: /postgres/, server: true },
    { name: 'restore garbage --clean on the server', args: ['--url', '{server}', 'restore', 'garbage.sql', '--clean'], files: { ...OK, 'garbage.sql': 'this is not a dump\n' }, code: 2, error: /garbage\.sql/, server: true },
    { name: 'summary --json with a password in the URL', args: ['--url', '{serverpw}', 'summary', '--json'], files: OK, code: 0, server: true, outcome: (r) => expect(r.json().target.url).toContain(':***@') },
  );
}

// Which cases open a database before they find the mistake, and which of those run embedded always.
const OPENS_DB = new Set([
  'typegen --schema of a missing schema',
  'schema erd --tables matching nothing',
  'typegen --out an existing folder',
  'migrate up --json with a broken marker',
  'seed --only with a path',
  'reset --keep a missing table',
  'restore garbage',
  'migrations: lint of a missing name',
  'restore a truncated custom dump',
  'restore an empty file',
  'seeds: a .sql seed with an error',
  'migrations: repair of a missing name',
  'seeds: --only a missing seed',
  'migrations: baseline of a missing name',
  'seeds: a missing fixture',
  'seeds: malformed JSON fixture',
  'seeds: malformed CSV fixture',
  'schema dump --out a path under a file',
  'schema dump --check of a missing file',
  'typegen --check of a missing file',
  'seeds: a seed with a syntax error',
  'migrations: down --to a missing name',
  'seeds: a seed that throws',
  'migrations: .sql with a misspelt marker',
  'seeds: a seed without seed()',
  'config: lint rule unknown',
  'migrations: up --to a missing name',
  'migrations: .sql without markers',
  'migrations: .sql with down before up',
  'migrations: .sql with an unknown option on the marker',
  'migrations: SQL error',
  'migrations: .sql with two up markers',
  'migrations: same name as .sql and .ts',
  'migrations: TS up that throws',
  'migrations: TS that throws on import',
  'migrations: TS with up not a function',
  'migrations: TS syntax error',
  'migrations: TS without up',
  'migrations: redo with nothing applied']);
const ALWAYS_EMBEDDED = new Set(['migrations: TS without up', 'migrations: .sql without markers', 'seeds: malformed CSV fixture', 'restore garbage', 'schema dump --out a path under a file', 'reset --keep a missing table']);
for (const c of cases) {
  if (OPENS_DB.has(c.name)) c.db = true;
  if (ALWAYS_EMBEDDED.has(c.name)) c.embedded = true;
}

// ---- the harness ----
const SECRETS = [PW, encodeURIComponent(PW)];

function checkInvariants(c: Case, r: CliResult): void {
  const all = `${r.stdout}\n${r.stderr}`;
  const show = `${c.name}: exit ${r.code}\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout.slice(0, 2000)}`;
  expect(all, show).not.toMatch(/^\s{2,}at /m);
  expect(all, show).not.toMatch(/internal error|Unhandled|is a bug/i);
  for (const s of SECRETS) expect(all, show).not.toContain(s);
  expect(r.code, show).toBe(c.code);
  if (c.code !== 0) {
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors, show).toHaveLength(1);
    if (c.error) expect(errors[0], show).toMatch(c.error);
    if (c.args.includes('--json')) expect(JSON.parse(r.stdout), show).toMatchObject({ ok: false });
  }
}

let serverDb: { url: string; pwUrl: string; admin: pg.Client; name: string } | undefined;

beforeAll(async () => {
  if (!SERVER || !cases.some((c) => c.server)) return;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const name = `dbctl_hostile_${process.pid}`;
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const pwUrl = new URL(url.toString());
  pwUrl.password = PW; // the server trusts local connections: the password is only there to leak
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query('create table precious (id int primary key); insert into precious select generate_series(1, 100)');
  await db.end();
  serverDb = { url: url.toString(), pwUrl: pwUrl.toString(), admin, name };
});

afterAll(async () => {
  if (!serverDb) return;
  await serverDb.admin.query(`drop database if exists ${serverDb.name} with (force)`);
  await serverDb.admin.end();
});

describe.concurrent('hostile inputs: one line, the right exit code, no leak', () => {
  it.each(cases.filter((c) => !c.server))('$name', async (c) => {
    const cwd = tempProject(c.files ?? {});
    c.setup?.(cwd);
    const onServer = c.db && !c.embedded && SERVER;
    const t = onServer ? await createTestDatabase({ serverUrl: SERVER }) : undefined;
    try {
      const r = await runCli(c.args, { cwd, env: { ...(t ? { DATABASE_URL: t.url } : {}), ...c.env }, timeoutMs: 90_000 });
      checkInvariants(c, r);
      c.outcome?.(r, cwd);
    } finally {
      await t?.drop();
    }
  });
});

describe.runIf(SERVER)('hostile inputs on the server: nothing is lost', () => {
  const sub = (s: string) => s.replaceAll('{serverpw}', serverDb!.pwUrl).replaceAll('{server}', serverDb!.url);
  it.each(cases.filter((c) => c.server))('$name', async (c) => {
    const files = Object.fromEntries(Object.entries(c.files ?? {}).map(([k, v]) => [k, typeof v === 'string' ? sub(v) : v]));
    const cwd = tempProject(files);
    c.setup?.(cwd);
    const r = await runCli(c.args.map(sub), { cwd, env: c.env, timeoutMs: 60_000 });
    checkInvariants(c, r);
    c.outcome?.(r, cwd);
    const db = new pg.Client({ connectionString: serverDb!.url });
    await db.connect();
    try {
      const { rows } = await db.query('select count(*)::int as n from precious');
      expect(rows[0].n, `${c.name} lost rows`).toBe(100);
    } finally {
      await db.end();
    }
  });
});

