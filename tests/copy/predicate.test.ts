import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { CopyConfig, CopySubsetConfig } from '../../src/config/copy.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { parseTarget } from '../../src/driver/target.js';
import { copyDatabase } from '../../src/flows/db-copy.js';
import { createTestDatabase } from '../../src/testing.js';
import { isDbctlError } from '../../src/errors.js';
import { copySource } from './source-fixture.js';

const SERVER = process.env.TEST_DATABASE_URL;

/**
 * people (30 %, references org) and lonely (a where, references nothing) are start tables nothing
 * points into: their streams select by the predicate. account is a start table invoice references,
 * and invoice (a start too) references account, whose children are followed: both need the rows
 * the closure added, by ctid.
 */
const SUBSET: CopySubsetConfig = {
  start: [{ table: 'people', percent: 30 }, { table: 'lonely', where: 'n = 3' }, { table: 'account', percent: 30 }, { table: 'invoice', where: 'id <= 5' }],
  childLimit: 2,
};
const COPY: CopyConfig = { subset: SUBSET, safe: ['org.*', 'people.*', 'lonely.*', 'account.*', 'invoice.*'] };

describe.runIf(SERVER)('db copy: a start table only its predicate picks rows of is streamed by the predicate', () => {
  const f = copySource(SERVER!, 'predicate', SUBSET);
  const { ids, selections, closeAll } = f;

  it('picks the predicate path only for a start table nothing else can add rows to', async () => {
    const chosen = await selections();
    const kind = (t: string) => { const s = chosen.get(`public.${t}`); return !s ? 'none' : s.whole ? 'whole' : 'where' in s ? 'where' : 'tids'; };
    expect({ people: kind('people'), lonely: kind('lonely'), account: kind('account'), invoice: kind('invoice'), org: kind('org') })
      .toEqual({ people: 'where', lonely: 'where', account: 'tids', invoice: 'tids', org: 'tids' });
    const people = chosen.get('public.people') as { where: string; share?: number };
    expect(people.share).toBe(0.3);
    expect(people.where).toContain('hashint8'); // a bigint key is hashed as the integer
  });

  it.each(f.targets('into'))('into %s: exactly the predicate\'s rows where it streams by it, the closure complete where it does not (0 violations), the same manifest twice', async (_, makeTarget) => {
    const url = await makeTarget();
    const copy = async () => copyDatabase({ config: await resolveConfig({ cwd: f.work, url, environ: {}, migrationsDir: f.migrations }), from: parseTarget(f.source.url, f.work), copy: COPY, secret: 's' });
    const first = await copy();
    const people = (await selections()).get('public.people') as { where: string };
    // Predicate-streamed: exactly what the predicate picks on the source.
    expect(await ids(url, 'select id from people')).toEqual(await ids(f.source.url, `select id from people as t where ${people.where}`));
    expect(await ids(url, 'select id from lonely')).toEqual(await ids(f.source.url, 'select id from lonely where n = 3'));
    // Their parents: every org a copied person belongs to.
    expect(await ids(url, 'select count(*) as id from people p where not exists (select 1 from org o where o.id = p.org_id)')).toEqual([0]);
    expect((await ids(url, 'select id from org')).length).toBeGreaterThan(0);
    // account: its predicate's rows plus the accounts of the start invoices, which the predicate
    // alone would have left out (the closure added them).
    const accounts = await ids(url, 'select id from account');
    // The same 30 % of ids as people's (hashint4 and hashint8 agree on a value both hold).
    const byPredicate = await ids(f.source.url, `select id from account as t where ${people.where}`);
    expect(accounts).toEqual(expect.arrayContaining(byPredicate));
    const ofStartInvoices = await ids(f.source.url, 'select account_id as id from invoice where id <= 5');
    expect(accounts).toEqual(expect.arrayContaining(ofStartInvoices));
    expect(ofStartInvoices.some((a) => !byPredicate.includes(a))).toBe(true);
    // invoice: its start rows plus children of the start accounts (at most 2 per account).
    const invoices = await ids(url, 'select id from invoice');
    expect(invoices).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
    expect(invoices.length).toBeGreaterThan(5);
    expect(await ids(url, 'select count(*) as id from invoice i where not exists (select 1 from account a where a.id = i.account_id)')).toEqual([0]);
    await closeAll();
    const second = await copy();
    expect(second.manifest.tables).toEqual(first.manifest.tables);
  }, 60_000);

  it.each([
    ['a server database', 'people', 'nosuch = 1', 'column "nosuch" does not exist', '42703'],
    ['a server database', 'lonely', '1 / (id - id) = 1', 'division by zero', '22012'],
    ['a PGlite folder', 'people', 'nosuch = 1', 'column "nosuch" does not exist', '42703'],
    ['a PGlite folder', 'lonely', '1 / (id - id) = 1', 'division by zero', '22012'],
  ])('into %s: a where the server rejects (%s: %s) is a usage error naming its config key and table, nothing left behind', async (into, table, where, reason, sqlstate) => {
    const server = into === 'a server database' ? await createTestDatabase({ serverUrl: SERVER, prefix: 'dbctl_copy' }) : undefined;
    if (server) f.made.push(server);
    const folder = path.join(f.work, `bad-${table}-${Date.now()}`);
    const url = server?.url ?? `pglite://${folder}`;
    const before = fs.readdirSync(f.work);
    // lonely takes the predicate path: a division by zero on a row is met in its stream, not in the subset.
    const subset: CopySubsetConfig = { start: [{ table: 'org', where: 'id < 5' }, { table, where }] };
    const error = await copyDatabase({ config: await resolveConfig({ cwd: f.work, url, environ: {}, migrationsDir: f.migrations }), from: parseTarget(f.source.url, f.work), copy: { ...COPY, subset }, secret: 's' }).catch((e: unknown) => e);
    expect(isDbctlError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'copy_subset_where', exitCode: 2, message: `copy.subset.start[1].where (${table}): ${reason}`, data: { table: `public.${table}`, sqlstate } });
    if (server) {
      const admin = new pg.Client({ connectionString: SERVER });
      await admin.connect();
      const left = await admin.query(`select datname from pg_database where starts_with(datname, $1)`, [`${server.name.slice(0, 36)}_dbctl_copy_`]).finally(() => admin.end());
      expect(left.rows).toEqual([]);
    } else {
      expect(fs.readdirSync(f.work).sort()).toEqual(before.sort());
    }
  }, 60_000);
});
