import { backupConfig, summaryConfig } from '../../src/config/props.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreBackup, verifyAgainstManifest } from '../../src/backup/index.js';
import { citusTableShards } from '../../src/citus/cluster.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { runDoctor } from '../../src/doctor/index.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { withDatabase as withDatabaseName } from '../../src/driver/target.js';
import { Migrator, migratorConfig, type MigrateEvent } from '../../src/migrate/migrator.js';
import { resetConfig, resetDatabase } from '../../src/reset/index.js';
import { runSeeds, seedConfig } from '../../src/seed/index.js';
import { summarizeTables } from '../../src/seed/summary.js';
import { createTestdb, dropTestdb, removeTestdbs } from '../../src/testdb/index.js';
import { generateTypes } from '../../src/typegen/index.js';
import { ROOT, tempProject, writeFiles } from '../helpers/cli.js';
import { CITUS, citusDatabase, dropCitusDatabase } from '../helpers/citus.js';

const WORKER = (db: string) => `postgres://postgres@127.0.0.1:5441/${db}`;


async function q<T = any>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

const MIGRATIONS = {
  'migrations/0001_tables.sql': `-- migrate:up
create table countries (code text primary key, name text not null);
select create_reference_table('countries');
create table events (tenant_id int not null, id bigserial, kind text not null, payload jsonb, at timestamptz not null default now(), primary key (tenant_id, id));
select create_distributed_table('events', 'tenant_id');
-- migrate:down
drop table events;
drop table countries;
`,
  'migrations/0002_pages.ts': `import { sql, type Kysely } from 'kysely';
import { distributeTable, undistributeTable } from ${JSON.stringify(path.join(ROOT, 'src/citus/tables.ts'))};
export async function up(db: Kysely<any>) {
  await sql\`create table pages (tenant_id int not null, id int not null, title text, primary key (tenant_id, id))\`.execute(db);
  await distributeTable(db, 'pages', 'tenant_id', { colocateWith: 'events' });
}
export async function down(db: Kysely<any>) {
  await undistributeTable(db, 'pages');
  await sql\`drop table pages\`.execute(db);
}
`,
};

const SEEDS = {
  'seeds/common/01_countries.ts': `export async function seed(ctx) {
  await ctx.upsert('countries', [['fr', 'France'], ['de', 'Germany'], ['it', 'Italy'], ['es', 'Spain'], ['pt', 'Portugal']].map(([code, name]) => ({ code, name })));
}`,
  'seeds/common/02_events.ts': `export async function seed(ctx) {
  function* rows() { for (let i = 0; i < 20000; i++) yield { tenant_id: i % 50, kind: i % 2 ? 'view' : 'click', payload: { i }, at: new Date(Date.UTC(2026, 0, 1) + i * 1000) }; }
  await ctx.insert('events', rows());
}`,
  'seeds/common/03_prune.sql': 'delete from events where tenant_id = 0;\n',
};

describe.runIf(CITUS)(`Citus cluster${CITUS ? '' : ' (skipped: TEST_CITUS_URL unset)'}`, () => {
  const name = `dbctl_tmp_citus_${crypto.randomBytes(3).toString('hex')}`;
  const prefix = `dbctl_tmp_cts_${crypto.randomBytes(2).toString('hex')}`;
  let url: string;
  let cwd: string;
  let config: ResolvedConfig;
  let database: Database;
  const dropLater: string[] = [];

  beforeAll(async () => {
    url = citusDatabase(name);
    dropLater.push(name);
    cwd = tempProject({ ...MIGRATIONS, ...SEEDS, 'dbctl.config.json': JSON.stringify({ testdb: { prefix } }) });
    config = await resolveConfig({ cwd, url, environ: {} });
    database = await openDatabase({ url, cwd });
  });
  afterAll(async () => {
    await database?.close();
    if (config) await removeTestdbs(config, { all: true }).catch(() => {});
    for (const db of dropLater) dropCitusDatabase(db);
  });

  it('detects the cluster: capabilities.distributed is citus (and absent on a plain server)', async () => {
    expect(database.capabilities.distributed).toBe('citus');
    const plain = await openDatabase({ url: CITUS! });
    expect(plain.capabilities.distributed).toBeUndefined();
    await plain.close();
  });

  it('migrations distribute tables under the run lock on the coordinator, roll back whole on failure, and revert with undistribute_table', async () => {
    const events: MigrateEvent[] = [];
    const other = await openDatabase({ url, cwd });
    try {
      const [a, b] = await Promise.all([
        new Migrator({ database, ...migratorConfig(config), onEvent: (e) => events.push(e) }).up(),
        new Migrator({ database: other, ...migratorConfig(config), onEvent: (e) => events.push(e) }).up(),
      ]);
      expect([a.results.length, b.results.length].sort()).toEqual([0, 2]);
    } finally {
      await other.close();
    }
    const shards = await citusTableShards(database);
    expect(shards.map((t) => [t.table, t.type, t.distributionColumn])).toEqual([['countries', 'reference', null], ['events', 'distributed', 'tenant_id'], ['pages', 'distributed', 'tenant_id']]);
    expect(Object.keys(shards[1].placements).sort()).toEqual(['127.0.0.1:5441', '127.0.0.1:5442']);
    expect(shards[1].shards).toBe(shards[2].shards);

    writeFiles(cwd, { 'migrations/0003_broken.sql': `-- migrate:up\ncreate table t3 (tenant_id int not null);\nselect create_distributed_table('t3', 'tenant_id');\nselect 1 / 0;\n-- migrate:down\ndrop table t3;\n` });
    const migrator = new Migrator({ database, ...migratorConfig(config) });
    await expect(migrator.up()).rejects.toMatchObject({ code: 'migration_failed', data: { failure: { sqlstate: '22012' } } });
    expect((await migrator.status()).migrations.map((m) => [m.name, m.state])).toEqual([['0001_tables', 'applied'], ['0002_pages', 'applied'], ['0003_broken', 'pending']]);
    expect(await database.query(`select to_regclass('t3') as t`).then((r) => r.rows)).toEqual([{ t: null }]);
    expect(await q(WORKER(name), `select count(*)::int as n from pg_class where relname like 't3\\_%'`)).toEqual([{ n: 0 }]);
    fs.rmSync(path.join(cwd, 'migrations/0003_broken.sql'));

    const down = await migrator.down();
    expect(down.results.map((r) => [r.name, r.status])).toEqual([['0002_pages', 'success']]);
    expect((await citusTableShards(database)).map((t) => t.table)).toEqual(['countries', 'events']);
    expect(await q(WORKER(name), `select count(*)::int as n from pg_class where relname like 'pages\\_%'`)).toEqual([{ n: 0 }]);
    expect((await migrator.up()).results.map((r) => r.name)).toEqual(['0002_pages']);
  });

  it('seeds count rows COPYed into distributed and reference tables through the coordinator; summary counts across shards; reset truncates them', async () => {
    const first = await runSeeds({ database, ...seedConfig(config) });
    expect(first.seeds.map((s) => [s.name, s.tables])).toEqual([
      ['common/01_countries', { countries: { inserted: 5, updated: 0, deleted: 0 } }],
      ['common/02_events', { events: { inserted: 20000, updated: 0, deleted: 0 } }],
      ['common/03_prune', { events: { inserted: 0, updated: 0, deleted: 400 } }],
    ]);
    // The upsert leaves unchanged rows alone on Citus too (immutable comparison).
    const second = await runSeeds({ database, ...seedConfig(config), only: ['01_countries'] });
    expect(second.totals).toEqual({});

    const perShard = async (table: string) => Number((await database.query(`select sum(result::bigint) as n from run_command_on_shards('${table}', 'select count(*) from %s')`)).rows[0].n);
    const summary = await summarizeTables(await database.kysely(), summaryConfig(config), { digest: true, distributed: 'citus' });
    expect(summary.map((t) => [t.table, t.rows])).toEqual([['countries', 5], ['events', 19600], ['pages', 0]]);
    expect(await perShard('events')).toBe(19600);

    const reset = await resetDatabase({ database, ...resetConfig(config) });
    expect(reset.truncated.map((t) => t.table)).toEqual(['countries', 'events', 'pages']);
    expect(await perShard('events')).toBe(0);
    await database.query(`insert into events (tenant_id, kind) values (7, 'x')`);
    expect((await database.query('select id from events')).rows).toEqual([{ id: '1' }]);
    await resetDatabase({ database, ...resetConfig(config) });
  });

  it('typegen leaves out the extension\'s own views (citus_tables, citus_schemas)', async () => {
    const text = await generateTypes(database, config);
    expect(text).toContain('export interface Events {');
    expect(text).toContain('events: Events;');
    expect(text).not.toMatch(/citus/i);
  });

  it('doctor reports the nodes, their health and the shards per table', async () => {
    const report = await runDoctor(config);
    const citus = report.sections.citus as any;
    expect(citus.status, citus.summary).toBe('ok');
    expect(citus.nodes.map((n: any) => [n.port, n.reachable])).toEqual([[5440, true], [5441, true], [5442, true]]);
    expect(citus.summary).toMatch(/^3 node\(s\) \(2 worker\(s\)\), all reachable; countries reference, events \d+ shards by tenant_id, pages \d+ shards by tenant_id$/);
    const plain = await runDoctor(await resolveConfig({ cwd, url: CITUS, environ: {} }));
    expect(plain.sections.citus.status).toBe('skipped');
  });

  it('backup says what a coordinator dump captures; a restore verifies the rows and warns that the tables are local now', async () => {
    await runSeeds({ database, ...seedConfig(config), only: ['01_countries', '02_events'] });
    const report = await backupDatabase({ database: database, ...backupConfig(config), out: path.join(cwd, 'backups/citus.dump') });
    expect(report.warnings).toEqual([expect.stringContaining('Citus: 3 distributed or reference table(s) backed up as a coordinator pg_dump')]);
    expect(report.manifest.distributed).toMatchObject({ extension: 'citus', tables: [{ table: 'countries', type: 'reference' }, { table: 'events', type: 'distributed', distributionColumn: 'tenant_id' }, { table: 'pages', type: 'distributed' }] });
    expect(report.manifest.tables.find((t) => t.name === 'events')?.rows).toBe(20000);
    expect((await verifyAgainstManifest(database, report.manifest))).toMatchObject({ differences: [], warnings: [] });

    const target = `${name}_restored`;
    const restoredUrl = citusDatabase(target);
    dropLater.push(target);
    const into = await openDatabase({ url: restoredUrl, cwd });
    try {
      const restored = await restoreBackup({ file: report.file, database: into, ...backupConfig(config) });
      expect(restored.differences).toEqual([]);
      expect(restored.warnings).toEqual([expect.stringMatching(/^3 table\(s\) were Citus reference\/distributed tables when backed up and are not here: countries \(reference\), events \(distributed by tenant_id\), pages/)]);
      expect(await citusTableShards(into)).toEqual([]);
    } finally {
      await into.close();
    }
    await resetDatabase({ database, ...resetConfig(config) });
  });

  it('testdb: the template is built on every node; clones keep the extension, the workers and the shards', async () => {
    const testConfig = await resolveConfig({ cwd, url, env: 'test', environ: {} });
    const first = await createTestdb({ config: testConfig });
    expect(first.built).toBe(true);
    expect(first.strategy).toBe('WAL_LOG on 3 Citus nodes');
    const second = await createTestdb({ config: testConfig });
    expect(second.built).toBe(false);
    for (const port of [5440, 5441, 5442]) {
      expect(await q(`postgres://postgres@127.0.0.1:${port}/postgres`, `select datname, datistemplate from pg_database where datname in ('${first.template}', '${first.name}') order by 2`))
        .toEqual([{ datname: first.name, datistemplate: false }, { datname: first.template, datistemplate: true }]);
    }
    const clone = await openDatabase({ url: first.url });
    try {
      expect(clone.capabilities.distributed).toBe('citus');
      await clone.query(`insert into events (tenant_id, kind) select g, 'x' from generate_series(1, 100) g`);
      expect((await clone.query('select count(*)::int as n from events')).rows).toEqual([{ n: 100 }]);
      expect((await citusTableShards(clone)).map((t) => t.table)).toEqual(['countries', 'events', 'pages']);
      expect((await new Migrator({ database: clone, ...migratorConfig(testConfig) }).status()).summary.pending).toBe(0);
    } finally {
      await clone.close();
    }
    // The second clone is independent of the first: its shards are its own.
    expect(await q(second.url, 'select count(*)::int as n from events')).toEqual([{ n: 0 }]);
    await dropTestdb(testConfig, first.name);
    expect(await q(WORKER('postgres'), `select count(*)::int as n from pg_database where datname = '${first.name}'`)).toEqual([{ n: 0 }]);
    void withDatabaseName;
  });
});
