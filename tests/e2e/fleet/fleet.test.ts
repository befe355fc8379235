import { spawn } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../../src/config/define.js';
import { resolveConfig, type ResolvedConfig } from '../../../src/config/resolve.js';
import { parseTarget } from '../../../src/driver/target.js';
import { assertFleetDestructiveAllowed, fleetDown, fleetExec, fleetSeed, fleetStatus, fleetUp, resolveFleet, runFleet, type Fleet, type FleetOperation, type FleetReport } from '../../../src/fleet/index.js';
import { runArgv } from '../../helpers/argv.js';
import { BIN, diagnostics, runCli, tempProject, writeFiles } from '../../helpers/cli.js';
import { until } from '../../helpers/poll.js';
import { admin, createDatabases, dropDatabases, fleetPrefix, query, SECOND_SERVER, SERVER } from '../../fleet/helpers.js';

const sql = (up: string, down = '') => `-- migrate:up\n${up}\n-- migrate:down\n${down}\n`;
const MIGRATIONS = {
  'migrations/0001_users.sql': sql('create table users (id int primary key, name text);', 'drop table users;'),
  // A migration that changes the session's search_path: it must not leak into the next one.
  'migrations/0002_path.sql': sql('set search_path to public;\nselect 1;'),
  'migrations/0003_items.sql': sql('create table items (id int primary key, user_id int references users);', 'drop table items;'),
  'migrations/0004_notes.ts': `import { sql, type Kysely } from 'kysely';
export async function up(db: Kysely<any>) { await sql\`create table notes (id int primary key, body text)\`.execute(db); }
export async function down(db: Kysely<any>) { await sql\`drop table notes\`.execute(db); }
`,
};
// Fails on a database that has a table named `broken` (how the tests break one database of the fleet).
const FAILING = {
  'migrations/0005_guarded.sql': sql(`do $$ begin
  if to_regclass('broken') is not null then raise exception 'this database is broken'; end if;
end $$;
create table t5 (id int);`, 'drop table t5;'),
};

async function configFor(cwd: string, fleets: Record<string, FleetConfig>, url = SERVER): Promise<ResolvedConfig> {
  const config = await resolveConfig({ cwd, url, environ: {} });
  return { ...config, fleets };
}

const byName = (report: FleetReport) => Object.fromEntries(report.results.map((r) => [r.name, r]));

describe.runIf(SERVER)('fleet on a server', () => {
  const prefix = fleetPrefix();
  afterAll(async () => {
    await dropDatabases(SERVER!, prefix);
    if (SECOND_SERVER) await dropDatabases(SECOND_SERVER, prefix);
  });

  it(`migrates databases across two servers; a failed database fails alone and a re-run continues it${SECOND_SERVER ? '' : ' (skipped: TEST_SECOND_SERVER_URL unset)'}`, async (t) => {
    if (!SECOND_SERVER) return t.skip();
    const p = `${prefix}_two`;
    const one = await createDatabases(SERVER!, [`${p}_a`, `${p}_b`, `${p}_c`]);
    const two = await createDatabases(SECOND_SERVER, [`${p}_d`, `${p}_e`]);
    const cwd = tempProject(MIGRATIONS);
    const config = await configFor(cwd, { two: [...one, ...two] });
    const fleet = await resolveFleet(config, { fleet: 'two' });
    expect(fleet.members.map((m) => m.name)).toEqual([`${p}_a`, `${p}_b`, `${p}_c`, `${p}_d`, `${p}_e`]);

    const first = await runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp() });
    expect(Object.keys(first.concurrency)).toHaveLength(2);
    expect(first.summary).toMatchObject({ total: 5, ok: 5, failed: 0, applied: 20 });
    expect(first.results.every((r) => r.before?.applied === 0 && r.after?.applied === 4 && r.after.last === '0004_notes')).toBe(true);
    // 0002 set search_path: the next migrations still ran with the session's own.
    expect(await query(two[0], `select table_schema from information_schema.tables where table_name in ('items', 'notes')`)).toEqual([{ table_schema: 'public' }, { table_schema: 'public' }]);

    // A member on a server that is not there fails alone (connection error), the others are unaffected.
    const withGone = { ...fleet, members: [...fleet.members, { name: 'gone', url: 'postgres://postgres@127.0.0.1:1/gone', target: parseTarget('postgres://postgres@127.0.0.1:1/gone', process.cwd()), server: '127.0.0.1:1', lane: 'gone' }] };
    const gone = await runFleet({ fleet: withGone, config: { ...config, connectTimeoutMs: 0 }, operationName: 'status', operation: fleetStatus });
    expect(gone.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'failed']);
    expect(gone.results[5].error).toMatchObject({ exitCode: 3 });

    writeFiles(cwd, FAILING);
    await query(one[1], 'create table broken ()');
    const second = await runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp() });
    const r = byName(second);
    expect(second.summary).toMatchObject({ ok: 4, failed: 1, skipped: 0, applied: 4 });
    expect(r[`${p}_b`]).toMatchObject({ status: 'failed', before: { applied: 4 }, after: { applied: 4 }, applied: 0, error: { code: 'migration_failed', exitCode: 1 } });
    expect(r[`${p}_b`].error!.message).toContain('this database is broken');
    expect(r[`${p}_e`]).toMatchObject({ status: 'ok', before: { applied: 4 }, after: { applied: 5, last: '0005_guarded' }, applied: 1 });

    await query(one[1], 'drop table broken');
    const third = await runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp() });
    expect(byName(third)[`${p}_b`]).toMatchObject({ status: 'ok', before: { applied: 4 }, after: { applied: 5 }, applied: 1 });
    expect(third.summary).toMatchObject({ ok: 5, applied: 1 });
  });

  it('--fail-fast starts nothing after a failure; a failing canary stops the run, a passing one lets it go on', async () => {
    const p = `${prefix}_ff`;
    const urls = await createDatabases(SERVER!, ['a', 'b', 'c', 'd'].map((x) => `${p}_${x}`));
    await query(urls[1], 'create table broken ()');
    const cwd = tempProject({ ...MIGRATIONS, ...FAILING });
    const config = await configFor(cwd, { ff: { server: SERVER!, databases: `${p}_*` } });
    const fleet = await resolveFleet(config, { fleet: 'ff' });
    const run = (o: { failFast?: boolean; canary?: number }) => runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp(), concurrency: 1, ...o });

    const failFast = await run({ failFast: true });
    expect(failFast.results.map((r) => r.status)).toEqual(['ok', 'failed', 'skipped', 'skipped']);
    expect(failFast.stopped).toBe('fail-fast');

    const canary = await run({ canary: 2 });
    expect(canary.results.map((r) => r.status)).toEqual(['ok', 'failed', 'skipped', 'skipped']);
    expect(canary.stopped).toBe('canary');
    // The one that failed kept the migrations before the failing one: a re-run continues from there.
    expect(canary.results[1]).toMatchObject({ before: { applied: 4 }, after: { applied: 4 } });

    const passing = await run({ canary: 1 });
    expect(passing.results.map((r) => r.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    expect(passing.stopped).toBeNull();
  });

  it('schema per tenant: each schema migrated with its own search_path and bookkeeping', async () => {
    const p = `${prefix}_sch`;
    const [url] = await createDatabases(SERVER!, [p]);
    await query(url, 'create schema tenant_1; create schema tenant_2; create schema "tenant 3"; create schema other');
    const cwd = tempProject(MIGRATIONS);
    const config = await configFor(cwd, { tenants: { url, schemas: 'tenant*' } });
    const fleet = await resolveFleet(config, { fleet: 'tenants' });
    expect(fleet.members.map((m) => m.name)).toEqual([`${p}/tenant 3`, `${p}/tenant_1`, `${p}/tenant_2`]);
    const report = await runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp() });
    expect(report.summary).toMatchObject({ ok: 3, applied: 12 });
    const tables = await query(url, `select table_schema as s, string_agg(table_name, ',' order by table_name) as t from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') group by 1 order by 1`);
    const all = 'dbctl_migration,items,kysely_migration,kysely_migration_lock,notes,users';
    expect(tables).toEqual([{ s: 'tenant 3', t: all }, { s: 'tenant_1', t: all }, { s: 'tenant_2', t: all }]);
    const status = await runFleet({ fleet, config, operationName: 'status', operation: fleetStatus });
    expect(status.results.map((r) => [r.name, r.after?.applied, r.detail?.pending])).toEqual(fleet.members.map((m) => [m.name, 4, 0]));
  });

  it('two fleet runs at once never apply a migration twice', async () => {
    const p = `${prefix}_cc`;
    const urls = await createDatabases(SERVER!, ['a', 'b', 'c', 'd'].map((x) => `${p}_${x}`));
    const slow = (n: number) => sql(`select pg_sleep(0.15);\ncreate table s${n} (id int);`, `drop table s${n};`);
    const cwd = tempProject({ 'migrations/0001_s.sql': slow(1), 'migrations/0002_s.sql': slow(2), 'migrations/0003_s.sql': slow(3) });
    const config = await configFor(cwd, { cc: urls });
    const fleet = await resolveFleet(config, { fleet: 'cc' });
    const run = () => runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp(), concurrency: 2 });
    const [x, y] = await Promise.all([run(), run()]);
    expect(x.summary.failed + y.summary.failed).toBe(0);
    expect(x.summary.applied + y.summary.applied).toBe(12);
    for (const url of urls) {
      expect(await query(url, 'select name, count(*)::int as n from kysely_migration group by name order by name')).toEqual([1, 2, 3].map((i) => ({ name: `000${i}_s`, n: 1 })));
    }
  });

  it('a killed run resumes where each database stands (CLI: fleet migrate up, killed)', async () => {
    const p = `${prefix}_kill`;
    const urls = await createDatabases(SERVER!, ['a', 'b', 'c'].map((x) => `${p}_${x}`));
    // 0002 waits for an advisory lock the test holds on the first database: the run is killed there
    // for certain (0001 applied, 0002 under way), however fast or slow the machine is.
    const gate = 29_16;
    const cwd = tempProject({
      'migrations/0001_k.sql': sql('create table k1 (id int);', 'drop table k1;'),
      'migrations/0002_k.sql': sql(`select pg_advisory_xact_lock(${gate});\ncreate table k2 (id int);`, 'drop table k2;'),
      'migrations/0003_k.sql': sql('create table k3 (id int);', 'drop table k3;'),
    });
    const holder = new pg.Client({ connectionString: urls[0] });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [gate]);
    let holding = true;
    try {
      const child = spawn(process.execPath, [BIN, '--url', SERVER!, 'fleet', '--all-databases', `${p}_*`, '--concurrency', '1', 'migrate', 'up'], { cwd, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('close', resolve));
      const waiting = async () => (await query<{ n: number }>(urls[0], `select count(*)::int as n from pg_stat_activity where datname = current_database() and query like '%pg_advisory_xact_lock(${gate})%' and pid <> pg_backend_pid()`))[0].n;
      await until(async () => (await waiting()) > 0, '0002 waited for the gate on the first database');
      child.kill('SIGKILL');
      await exited;
      // The killed run's session must be ended by the server before the gate opens, or 0002 would commit.
      await until(async () => (await waiting()) === 0, "the server ended the killed run's session");
      await holder.end();
      holding = false;
      const config = await configFor(cwd, {});
      const fleet = await resolveFleet(config, { allDatabases: `${p}_*` });
      const report = await runFleet({ fleet, config, operationName: 'migrate up', operation: fleetUp() });
      expect(report.summary.failed).toBe(0);
      const first = report.results[0];
      expect(first.before!.applied).toBe(1);
      expect(first.applied).toBe(2);
      expect(report.results.slice(1).map((r) => [r.before!.applied, r.applied])).toEqual([[0, 3], [0, 3]]);
      for (const url of urls) expect(await query(url, 'select count(*)::int as n, count(distinct name)::int as d from kysely_migration')).toEqual([{ n: 3, d: 3 }]);
    } finally {
      if (holding) await holder.end();
    }
  });

  it('seed, exec and migrate down run on every database; guarded in a protected environment', async () => {
    const p = `${prefix}_ops`;
    const urls = await createDatabases(SERVER!, ['a', 'b'].map((x) => `${p}_${x}`));
    const cwd = tempProject({
      ...MIGRATIONS,
      'seeds/common/01_users.ts': `export async function seed(ctx) { await ctx.upsert('users', [{ id: 1, name: 'ada' }, { id: 2, name: 'bob' }]); }`,
      'fix.sql': `update users set name = upper(name);\ninsert into notes values (1, current_database());`,
    });
    const config = await configFor(cwd, { ops: urls });
    const fleet = await resolveFleet(config, { fleet: 'ops' });
    const run = (operationName: string, operation: FleetOperation) => runFleet({ fleet, config, operationName, operation });
    expect((await run('migrate up', fleetUp())).summary.failed).toBe(0);
    const seeded = await run('seed', fleetSeed());
    expect(seeded.results.map((r) => r.detail?.rows)).toEqual([2, 2]);
    expect((await run('exec', fleetExec(fs.readFileSync(`${cwd}/fix.sql`, 'utf8')))).summary.ok).toBe(2);
    expect(await query(urls[1], 'select (select string_agg(name, \',\' order by id) from users) as u, (select body from notes) as n')).toEqual([{ u: 'ADA,BOB', n: `${p}_b` }]);
    const down = await run('migrate down', fleetDown({ step: 1 }));
    expect(down.results.map((r) => [r.before?.applied, r.after?.applied, r.after?.last, r.applied])).toEqual([[4, 3, '0003_items', 1], [4, 3, '0003_items', 1]]);

    const guard = (env: Partial<ResolvedConfig>, o: { force?: boolean; confirm?: string }) => assertFleetDestructiveAllowed({ config: { ...config, ...env }, fleet, operation: 'seed', ...o });
    await expect(guard({}, {})).resolves.toBeUndefined();
    await expect(guard({ protected: true, env: 'production' }, {})).rejects.toMatchObject({ code: 'protected' });
    await expect(guard({ protected: true, env: 'production' }, { force: true, confirm: 'opz' })).rejects.toMatchObject({ code: 'confirm_mismatch', hint: 'confirm with --confirm ops' });
    await expect(guard({ protected: true, env: 'production' }, { force: true, confirm: 'ops' })).resolves.toBeUndefined();
    await expect(guard({ productionHosts: ['127.0.0.*'] }, {})).rejects.toMatchObject({ code: 'production_host' });
    // By address as well as spelling: the members are on 127.0.0.1, `localhost` names the same machine.
    await expect(guard({ productionHosts: ['localhost'] }, {})).rejects.toMatchObject({ code: 'production_host', message: expect.stringContaining('(both are this machine: loopback)') });
  });

  it('one database under two names (localhost and 127.0.0.1) is refused naming both, and the exec never runs', async () => {
    const p = `${prefix}_dup`;
    const [url] = await createDatabases(SERVER!, [p]);
    await query(url, 'create table hits (n int)');
    const other = url.replace('127.0.0.1', 'localhost');
    expect(other).not.toBe(url);
    const fleets = { dup: [{ url, name: 'first' }, { url: other, name: 'second' }], same: [url, `${url}?application_name=x`] };
    const cwd = tempProject({ 'insert.sql': 'insert into hits values (1);', 'dbctl.config.json': JSON.stringify({ fleets }) });
    const config = await configFor(cwd, fleets);
    const error = await resolveFleet(config, { fleet: 'dup' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'fleet_duplicate', exitCode: 2 });
    expect(error.message).toBe(`fleet "dup" lists one database twice: "first" (127.0.0.1:5432/${p}) and "second" (localhost:5432/${p})`);
    await expect(resolveFleet(config, { fleet: 'same' })).rejects.toMatchObject({ code: 'fleet_duplicate', message: expect.stringContaining(`"${p}" (127.0.0.1:5432/${p}) and "${p}" (127.0.0.1:5432/${p})`) });

    const r = await runArgv(['--url', SERVER!, 'fleet', '--fleet', 'dup', 'exec', 'insert.sql'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('lists one database twice: "first" (127.0.0.1:5432/');
    expect(await query(url, 'select count(*)::int as n from hits')).toEqual([{ n: 0 }]);
  });

  it(`README's eu example: the same database name on two servers is two members, each written once${SECOND_SERVER ? '' : ' (skipped: TEST_SECOND_SERVER_URL unset)'}`, async (t) => {
    if (!SECOND_SERVER) return t.skip();
    const p = `${prefix}_eu`;
    const [one] = await createDatabases(SERVER!, [p]);
    const [two] = await createDatabases(SECOND_SERVER, [p]);
    for (const url of [one, two]) await query(url, 'create table hits (db text, port int)');
    const cwd = tempProject({ 'insert.sql': 'insert into hits values (current_database(), current_setting(\'port\')::int);', 'dbctl.config.json': JSON.stringify({ fleets: { eu: [one, two] } }) });
    const config = await configFor(cwd, { eu: [one, two] });
    const fleet = await resolveFleet(config, { fleet: 'eu' });
    const servers = fleet.members.map((m) => m.server);
    expect(fleet.members.map((m) => m.name)).toEqual(servers.map((s) => `${s}/${p}`));

    const r = await runArgv(['--url', SERVER!, 'fleet', '--fleet', 'eu', 'exec', 'insert.sql'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    // Before a write, the members it will change.
    expect(r.stderr).toContain(`exec insert.sql on: ${servers[0]}/${p}, ${servers[1]}/${p}`);
    for (const url of [one, two]) expect(await query(url, 'select count(*)::int as n from hits')).toEqual([{ n: 1 }]);
    expect((await query(two, 'select port from hits'))[0].port).not.toBe((await query(one, 'select port from hits'))[0].port);
  });

  it('patterns are globs: _ is literal, * matches any run, % is refused; every pattern setting reads them alike', async () => {
    const p = `${prefix}_glob`;
    // `${p}_tsadmin` is what LIKE's `_` took for `t_`; `${p}_t%x` has a literal %.
    await createDatabases(SERVER!, [`${p}_t_1`, `${p}_t_2`, `${p}_tsadmin`, `${p}_t_old`]);
    const [url] = await createDatabases(SERVER!, [`${p}_s`]);
    await query(url, 'create schema t_1; create schema t_2; create schema tsadmin; create schema t_old');
    const cwd = tempProject({ 'migrations/.keep': '' });
    const config = await configFor(cwd, {
      dbs: { server: SERVER!, databases: `${p}_t_*`, exclude: '*_old' },
      schemas: { url, schemas: 't_*', exclude: '*_old' },
      percent: { server: SERVER!, databases: `${p}_t_%` },
      percentExclude: { url, schemas: 't_*', exclude: 't\\_old%' },
    });
    const names = async (selection: { fleet?: string; allDatabases?: string }) => (await resolveFleet(config, selection)).members.map((m) => m.name);
    expect(await names({ fleet: 'dbs' })).toEqual([`${p}_t_1`, `${p}_t_2`]);
    expect(await names({ fleet: 'schemas' })).toEqual([`${p}_s/t_1`, `${p}_s/t_2`]);
    expect(await names({ allDatabases: `${p}_t_*` })).toEqual([`${p}_t_1`, `${p}_t_2`, `${p}_t_old`]);
    expect(await names({ allDatabases: `${p}_t_1` })).toEqual([`${p}_t_1`]);
    // `%` was LIKE's: refused with the glob to write, never read as a literal that selects nothing.
    await expect(resolveFleet(config, { fleet: 'percent' })).rejects.toMatchObject({ code: 'fleet_target', exitCode: 2, message: `fleets.percent.databases: "${p}_t_%" uses %, which fleet patterns do not: they are globs (* matches any run of characters, _ is literal)`, hint: `write "${p}_t_*"` });
    await expect(resolveFleet(config, { fleet: 'percentExclude' })).rejects.toMatchObject({ code: 'fleet_target', hint: 'write "t_old*"' });
    await expect(resolveFleet(config, { allDatabases: `${p}\\_t\\_%` })).rejects.toMatchObject({ code: 'fleet_selection', exitCode: 2, hint: `write "${p}_t_*"` });
  });

  it('CLI: fleet status prints a table of every database; fleet verify --json is one document and exits 4 on drift', async () => {
    const p = `${prefix}_cli`;
    const urls = await createDatabases(SERVER!, ['a', 'b'].map((x) => `${p}_${x}`));
    const cwd = tempProject({ ...MIGRATIONS, 'dbctl.config.json': JSON.stringify({ fleets: { pair: urls } }) });
    const config = await configFor(cwd, { pair: urls });
    await runFleet({ fleet: await resolveFleet(config, { fleet: 'pair' }), config, operationName: 'migrate up', operation: fleetUp({ step: 3 }) });
    // Drift on b only: its record of 0001 no longer matches the file.
    await query(urls[1], `update dbctl_migration set checksum = 'x' where name = '0001_users'`);

    const status = await runCli(['--url', SERVER!, 'fleet', '--all-databases', `${p}_*`, 'status'], { cwd });
    expect(status.code, status.stderr).toBe(0);
    expect(diagnostics(status.stderr)).toBe('');
    expect(status.stderr).toContain(`target: fleet all-databases ${p}_*: 2 database(s) on `);
    expect(status.stdout).toMatch(new RegExp(`${p}_a +ok +3 +1 +0003_items`));
    expect(status.stdout).toMatch(new RegExp(`${p}_b +ok +3 +1 +0003_items +1 modified`));
    expect(status.stdout).toContain('fleet all-databases');

    const verify = await runArgv(['--url', SERVER!, 'fleet', '--fleet', 'pair', 'verify', '--json'], { cwd });
    expect(verify.code, verify.stderr).toBe(4);
    const doc = verify.json();
    expect(doc).toMatchObject({ ok: false, fleet: 'pair', operation: 'verify', summary: { total: 2, ok: 1, failed: 1 }, error: { code: 'fleet_check_failed' } });
    expect(doc.results[1]).toMatchObject({ name: `${p}_b`, status: 'failed', error: { code: 'verify_failed', exitCode: 4 } });
    expect(JSON.stringify(doc)).not.toContain('password');
  });
});

describe('fleet selection and config (no database)', () => {
  it('refuses a missing or double selection and an unknown fleet, naming the declared ones', async () => {
    const cwd = tempProject({ 'migrations/.keep': '' });
    const config = await configFor(cwd, { tenants: ['postgres://x@localhost/a'] }, 'pglite://memory');
    await expect(resolveFleet(config, {})).rejects.toMatchObject({ code: 'fleet_selection' });
    await expect(resolveFleet(config, { fleet: 'a', allDatabases: 'b' })).rejects.toMatchObject({ code: 'fleet_selection' });
    await expect(resolveFleet(config, { fleet: 'tenant' })).rejects.toMatchObject({ code: 'fleet_unknown', hint: 'declared fleets: tenants' });
    await expect(resolveFleet(config, { allDatabases: 'x%' })).rejects.toMatchObject({ code: 'fleet_embedded' });
    const fleet: Fleet = await resolveFleet(config, { fleet: 'tenants' });
    expect(fleet.members).toEqual([{ name: 'a', url: 'postgres://x@localhost/a', target: expect.objectContaining({ host: 'localhost', port: 5432, database: 'a' }), server: 'localhost:5432', lane: 'postgres://x@localhost/a', schema: undefined }]);
  });

  it('takes targets from a module (a control-plane table) or a function in the config', async () => {
    const cwd = tempProject({
      'migrations/.keep': '',
      'fleet.ts': `export default async function ({ env }: { env: string }) {
  return [{ url: 'postgres://app:secret@db-1:5433/t1', name: env + '-t1' }, { url: 'postgres://app@db-1:5433/shared', schema: 'acme' }];
}`,
    });
    const config = await configFor(cwd, { registry: { module: './fleet.ts' }, inline: () => ['postgres://h/one'] }, 'pglite://memory');
    const fleet = await resolveFleet(config, { fleet: 'registry' });
    expect(fleet.members.map((m) => [m.name, m.server, m.schema])).toEqual([['development-t1', 'db-1:5433', undefined], ['shared/acme', 'db-1:5433', 'acme']]);
    expect(fleet.members[1].url).toBe('postgres://app@db-1:5433/shared?options=-c%20search_path%3D%22acme%22');
    expect(fleet.members[1].lane).toBe('postgres://app@db-1:5433/shared');
    expect((await resolveFleet(config, { fleet: 'inline' })).members.map((m) => m.name)).toEqual(['one']);
  });

  it('a fleet function that throws, or returns what is not a list of targets, is a config error naming the fleet', async () => {
    const cwd = tempProject({
      'migrations/.keep': '',
      'throws.ts': `export default async function () { throw new Error('control plane unreachable: ECONNREFUSED'); }`,
      'nulls.ts': `export default () => ['postgres://h/a', null];`,
      'mysql.ts': `export default [{ url: 'postgres://h/a' }, 'mysql://u:hunter2@h/b'];`,
    });
    const config = await configFor(cwd, {
      inline: () => { throw new TypeError("Cannot read properties of undefined (reading 'rows')"); },
      rejects: async () => Promise.reject('no tenants table'),
      notAList: (() => ({ url: 'postgres://h/a' })) as never,
      module: { module: './throws.ts' },
      nulls: { module: './nulls.ts' },
      mysql: { module: './mysql.ts' },
    }, 'pglite://memory');
    const failure = (fleet: string) => resolveFleet(config, { fleet }).catch((e) => e);
    expect(await failure('inline')).toMatchObject({ code: 'fleet_module', exitCode: 2, message: "fleets.inline: the fleet function failed: Cannot read properties of undefined (reading 'rows')" });
    expect(await failure('rejects')).toMatchObject({ code: 'fleet_module', message: 'fleets.rejects: the fleet function failed: no tenants table' });
    expect(await failure('notAList')).toMatchObject({ code: 'fleet_module', message: expect.stringMatching(/^fleets\.notAList: a fleet function must return a list/) });
    expect(await failure('module')).toMatchObject({ code: 'fleet_module', message: 'fleets.module (throws.ts): the fleet function failed: control plane unreachable: ECONNREFUSED' });
    expect(await failure('nulls')).toMatchObject({ code: 'fleet_target', message: 'fleets.nulls (nulls.ts): target 2 must be a URL or { url, schema?, name? }, got null' });
    expect(await failure('mysql')).toMatchObject({ code: 'fleet_target', message: expect.stringMatching(/^fleets\.mysql \(mysql\.ts\): target 2: invalid database URL "mysql:\/\/u:\*+@h\/b"/) });

    // Through the CLI: exit 2 and one line, not "internal error".
    writeFiles(cwd, { 'dbctl.config.ts': `export default { fleets: { tenants: () => { throw new Error('boom'); } } };` });
    const r = await runArgv(['fleet', '--fleet', 'tenants', 'status'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error: fleets.tenants: the fleet function failed: boom');
    expect(r.stderr).not.toMatch(/internal error|bug|    at /);
  });

  it('deduplicates on (host, port, database, schema), whatever the names and spellings', async () => {
    const cwd = tempProject({ 'migrations/.keep': '' });
    const fleets: Record<string, FleetConfig> = {
      spelling: ['postgres://u@Db-1:5432/app', 'postgres://v@db-1.:5432/app'],
      loopback: [{ url: 'postgres://u@localhost/app', name: 'a' }, { url: 'postgres://u@[::1]:5432/app', name: 'b' }],
      schema: [{ url: 'postgres://u@h/app', schema: 's1' }, { url: 'postgres://u@H/app', schema: 's1', name: 'again' }],
      // Distinct: another port, database, schema or server; the same names shown with their server.
      distinct: ['postgres://u@h:5432/app', 'postgres://u@h:5433/app', 'postgres://u@h/other', { url: 'postgres://u@h/app', schema: 's1' }, 'postgres://u@h2/app'],
      named: [{ url: 'postgres://u@h/a', name: 'x' }, { url: 'postgres://u@h/b', name: 'x' }],
    };
    const config = await configFor(cwd, fleets, 'pglite://memory');
    await expect(resolveFleet(config, { fleet: 'spelling' })).rejects.toMatchObject({ code: 'fleet_duplicate', message: 'fleet "spelling" lists one database twice: "app" (Db-1:5432/app) and "app" (db-1.:5432/app)' });
    await expect(resolveFleet(config, { fleet: 'loopback' })).rejects.toMatchObject({ code: 'fleet_duplicate', message: 'fleet "loopback" lists one database twice: "a" (localhost:5432/app) and "b" ([::1]:5432/app)' });
    await expect(resolveFleet(config, { fleet: 'schema' })).rejects.toMatchObject({ code: 'fleet_duplicate', message: 'fleet "schema" lists one database twice: "app/s1" (h:5432/app, schema s1) and "again" (H:5432/app, schema s1)' });
    expect((await resolveFleet(config, { fleet: 'distinct' })).members.map((m) => m.name)).toEqual(['h:5432/app', 'h:5433/app', 'other', 'app/s1', 'h2:5432/app']);
    await expect(resolveFleet(config, { fleet: 'named' })).rejects.toMatchObject({ code: 'fleet_duplicate', message: 'fleet "named" gives the name "x" to two databases' });
  });

  it('validates every form of fleets in the config file', async () => {
    const { validateConfig } = await import('../../../src/config/validate.js');
    const ok = { fleets: { a: ['postgres://h/a', { url: 'postgres://h/b', schema: 's', name: 'b' }], b: { server: 'postgres://h', databases: 't_%' }, c: { url: 'postgres://h/d', schemas: 't_%', searchPath: ['public'] }, d: { module: './fleet.ts' }, e: () => [] } };
    expect(() => validateConfig(ok, 'dbctl.config.ts')).not.toThrow();
    expect(() => validateConfig({ fleets: { a: { server: 'postgres://h' } } }, 'f')).toThrow('f: fleets.a.databases is missing (a fleet of the server form needs server, databases)');
    expect(() => validateConfig({ fleets: { a: { url: 'postgres://h' } } }, 'f')).toThrow('fleets.a must be a list of URLs, { server, databases }, { url, schemas }, { module } or a function, got an object');
    expect(() => validateConfig({ fleets: { a: [5] } }, 'f')).toThrow('fleets.a[0] must be a URL or { url, schema?, name? }, got 5');
    expect(() => validateConfig({ fleets: { a: { server: 'x', databases: 'y', pattern: 'z' } } }, 'f')).toThrow('unknown option "fleets.a.pattern"');
  });

  it('derives the default concurrency from the free connection slots', async () => {
    const { defaultConcurrency } = await import('../../../src/fleet/servers.js');
    expect(defaultConcurrency({ maxConnections: 100, reserved: 3, inUse: 7 })).toBe(16);
    expect(defaultConcurrency({ maxConnections: 100, reserved: 3, inUse: 70 })).toBe(9);
    expect(defaultConcurrency({ maxConnections: 20, reserved: 3, inUse: 17 })).toBe(1);
  });

  it('prepares a migration once per process and again when its bytes change', async () => {
    const { prepareCached } = await import('../../../src/migrate/prepared-cache.js');
    const cwd = tempProject({ 'migrations/0001_a.sql': sql('select 1;') });
    const file = { name: '0001_a', file: `${cwd}/migrations/0001_a.sql`, kind: 'sql' as const };
    const a = await prepareCached(file, 'up');
    expect(await prepareCached(file, 'up')).toBe(a);
    writeFiles(cwd, { 'migrations/0001_a.sql': sql('select 2;') });
    const b = await prepareCached(file, 'up');
    expect(b).not.toBe(a);
    expect(b.sqlText).toBe('select 2;');
  });
});

beforeAll(() => {
  if (!SERVER) console.log('[fleet] TEST_DATABASE_URL unset: the server fleet tests skip');
});
void admin;
