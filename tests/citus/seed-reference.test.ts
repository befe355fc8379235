import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { runSeeds, seedConfig } from '../../src/seed/index.js';
import { tempProject } from '../helpers/cli.js';
import { CITUS, citusDatabase, dropCitusDatabase } from '../helpers/citus.js';


/**
 * The canonical multi-tenant layout: a reference table of tenants and a distributed table with a
 * foreign key to it, both written by one seed. A parallel multi-shard read in the seed's
 * transaction (dbctl's own row count) used to forbid the seed's later write to the reference table.
 */
const FILES = {
  'migrations/0001_tenants.sql': `-- migrate:up
create table tenants (id int primary key, name text not null);
select create_reference_table('tenants');
create table orders (tenant_id int not null references tenants (id), id int not null, total int not null, primary key (tenant_id, id));
select create_distributed_table('orders', 'tenant_id');
-- migrate:down
drop table orders;
drop table tenants;
`,
  // Helpers only: their results are the counts, so nothing is counted after the seed.
  'seeds/common/01_tenants.ts': `export async function seed(ctx) {
  await ctx.upsert('tenants', Array.from({ length: 10 }, (_, i) => ({ id: i + 1, name: 'tenant ' + (i + 1) })));
  await ctx.insert('orders', Array.from({ length: 500 }, (_, i) => ({ tenant_id: (i % 10) + 1, id: i, total: i })));
  await ctx.upsert('tenants', [{ id: 1, name: 'renamed' }]);
}`,
  // SQL: counted before and after (a count cannot tell what raw SQL wrote otherwise).
  'seeds/common/02_more.sql': `insert into tenants values (11, 'eleven');
insert into orders select 11, g, g from generate_series(1, 30) g;
`,
};

describe.runIf(CITUS)(`seeding a reference table and a distributed table that references it${CITUS ? '' : ' (skipped: TEST_CITUS_URL unset)'}`, () => {
  const name = `dbctl_tmp_citus_seed_${crypto.randomBytes(3).toString('hex')}`;
  let config: ResolvedConfig;
  let database: Database;

  beforeAll(async () => {
    const url = citusDatabase(name);
    const cwd = tempProject(FILES);
    config = await resolveConfig({ cwd, url, environ: {} });
    database = await openDatabase({ url, cwd });
    await new Migrator({ database, ...migratorConfig(config) }).up();
  });
  afterAll(async () => {
    await database?.close();
    dropCitusDatabase(name);
  });

  it('counts without breaking the seed, and scans the tables again only after a seed that wrote by itself', async () => {
    const counts: string[] = [];
    const stop = database.onQuery((e) => {
      if (/count\(\*\)::bigint/.test(e.query.sql)) counts.push(e.query.sql);
    });
    const dry = await runSeeds({ database, ...seedConfig(config), dryRun: true }).finally(stop);
    const expected = [
      ['common/01_tenants', { orders: { inserted: 500, updated: 0, deleted: 0 }, tenants: { inserted: 10, updated: 1, deleted: 0 } }],
      ['common/02_more', { orders: { inserted: 30, updated: 0, deleted: 0 }, tenants: { inserted: 1, updated: 0, deleted: 0 } }],
    ];
    expect(dry.seeds.map((s) => [s.name, s.tables])).toEqual(expected);
    // One count before each seed; one after only the SQL seed (the helpers knew the first's).
    expect(counts).toHaveLength(3);
    expect((await database.query('select count(*)::int as n from orders')).rows).toEqual([{ n: 0 }]);

    const run = await runSeeds({ database, ...seedConfig(config) });
    expect(run.seeds.map((s) => [s.name, s.tables])).toEqual(expected);
    expect((await database.query('select (select count(*)::int from orders) as orders, (select count(*)::int from tenants) as tenants')).rows).toEqual([{ orders: 530, tenants: 11 }]);
  });
});
