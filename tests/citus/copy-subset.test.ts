import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGraph } from '../../src/copy/graph.js';
import { sqlClientOf } from '../../src/copy/source.js';
import { computeSubset } from '../../src/copy/subset.js';
import { CITUS, citusDatabase, citusName, dropCitusDatabase } from '../helpers/citus.js';

/**
 * A subset picks rows one by one by ctid, and on a Citus coordinator a ctid names a row in every
 * shard (and a reference table's query may read any placement): such picks took wrong rows (the
 * copy then failed its foreign-key check, or worse). A subset that must pick a Citus table's rows is
 * refused before any row moves, naming the table; a Citus table copied whole, or reached only by its
 * own predicate, is fine.
 */
describe.runIf(CITUS)(`db copy's subset from a Citus coordinator${CITUS ? '' : ' (skipped: TEST_CITUS_URL unset)'}`, () => {
  const name = citusName('copy');
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: citusDatabase(name) });
    await client.connect();
    await client.query(`
      create table tenants (id int primary key, name text);
      select create_reference_table('tenants');
      create table docs (tenant_id int not null references tenants, id int not null, title text, primary key (tenant_id, id));
      select create_distributed_table('docs', 'tenant_id');
      create table comments (tenant_id int not null, id int not null, doc_id int not null, primary key (tenant_id, id), foreign key (tenant_id, doc_id) references docs (tenant_id, id));
      select create_distributed_table('comments', 'tenant_id', colocate_with => 'docs');
      insert into tenants select g, 't' || g from generate_series(1, 10) g;
      insert into docs select 1 + g % 10, g, 'd' || g from generate_series(1, 200) g;
      insert into comments select t, g, (case when t = 1 then 10 else t - 1 end) + 10 * (g % 19) from (select g, 1 + (g * 7) % 10 as t from generate_series(1, 400) g) s;`);
    await client.query('begin isolation level repeatable read read only');
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    dropCitusDatabase(name);
  });

  const subset = async (tables: Record<string, 'copy' | 'empty'>) => {
    const source = sqlClientOf(client);
    return computeSubset(source, await readGraph(source, () => false), { start: [{ table: 'comments', percent: 10 }], tables });
  };

  it('refuses to pick a distributed table\'s rows by reference, naming it', async () => {
    await expect(subset({})).rejects.toMatchObject({ code: 'copy_subset_citus', message: expect.stringMatching(/^copy\.subset: public\.docs is a Citus table/) });
    // The refusal ended nothing: the snapshot's transaction goes on.
    expect((await client.query('select count(*)::int as n from comments')).rows).toEqual([{ n: 400 }]);
  });

  it('takes Citus tables configured whole as whole, and starts at a distributed table by its own predicate', async () => {
    const selections = await subset({ 'public.docs': 'copy', 'public.tenants': 'copy' });
    expect(selections.get('public.docs')).toEqual({ whole: true });
    expect(selections.get('public.tenants')).toEqual({ whole: true });
    expect(selections.get('public.comments')).toMatchObject({ whole: false, where: expect.any(String) });
  });
});
