import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CopyConfig, CopySubsetConfig } from '../../src/config/copy.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { parseTarget } from '../../src/driver/target.js';
import { copyDatabase } from '../../src/flows/db-copy.js';
import { copySource } from './source-fixture.js';

const SERVER = process.env.TEST_DATABASE_URL;

/**
 * events is partitioned and reached only through the closure: as children of the start user 1
 * (event 1 in events_eu and event 101 in events_us, both at ctid (0,1)), and as the parent of the
 * start note 1 (event 3, events_eu (0,3), whose events_us neighbour at (0,3) is event 103 of user
 * 2, which nothing picks). Told apart by ctid alone, event 101 was dropped as a duplicate of
 * event 1 (and with it its child, note 4), and `ctid = any(...)` on events added event 103 without
 * its user. ledger has an inheritance child, ledger_old, whose rows share ledger's ctids: a scan of
 * ledger returns them too, but they are ledger_old's (a table of its own, which nothing reaches).
 */
const SUBSET: CopySubsetConfig = { start: [{ table: 'users', where: 'id = 1' }, { table: 'notes', where: 'id = 1' }], childLimit: 10 };
const COPY: CopyConfig = { subset: SUBSET, safe: ['users.*', 'events.*', 'notes.*', 'ledger.*', 'ledger_old.*'] };
const EXPECTED = { users: [1, 3], events: [1, 3, 101], notes: [1, 4], ledger: [1], ledger_old: [] };

describe.runIf(SERVER)('db copy: a subset through a partitioned table tells its rows apart by (tableoid, ctid)', () => {
  const f = copySource(SERVER!, 'partitioned', SUBSET);
  const { ids, selections, closeAll } = f;

  it('the source holds the same ctid in both partitions (the case under test)', async () => {
    expect(await ids(f.source.url, `select id from events where ctid = '(0,1)'`)).toEqual([1, 101]);
    expect(await ids(f.source.url, `select id from events where ctid = '(0,3)'`)).toEqual([3, 103]);
  });

  it('selects the rows partition by partition, the graph keeping the partitioned parent as the table', async () => {
    const chosen = await selections();
    expect([...chosen.keys()].sort()).toEqual(['public.events', 'public.ledger', 'public.notes', 'public.users']);
    const events = chosen.get('public.events') as { tids: Array<{ relation: string; ctids: string[] }> };
    expect(events.tids.map((s) => [s.relation, [...s.ctids].sort()]).sort()).toEqual([
      ['public.events_eu', ['(0,1)', '(0,3)']],
      ['public.events_us', ['(0,1)']],
    ]);
  });

  it.each(f.targets('into'))('into %s: exactly the closure\'s rows, 0 violations, the same manifest twice', async (_, makeTarget) => {
    const url = await makeTarget();
    const copy = async () => copyDatabase({ config: await resolveConfig({ cwd: f.work, url, environ: {}, migrationsDir: f.migrations }), from: parseTarget(f.source.url, f.work), copy: COPY, secret: 's' });
    const first = await copy();
    expect({
      users: await ids(url, 'select id from users'),
      events: await ids(url, 'select id from events'),
      notes: await ids(url, 'select id from notes'),
      ledger: await ids(url, 'select id from only ledger'),
      ledger_old: await ids(url, 'select id from ledger_old'),
    }).toEqual(EXPECTED);
    // Each event in its own partition, as on the source.
    expect(await ids(url, `select id from events_us`)).toEqual([101]);
    expect(await ids(url, 'select count(*) as id from events e where not exists (select 1 from users u where u.id = e.user_id)')).toEqual([0]);
    expect(await ids(url, 'select count(*) as id from notes n where not exists (select 1 from events e where (e.id, e.region) = (n.event_id, n.region))')).toEqual([0]);
    expect(first.tables.filter((t) => t.rows > 0).map((t) => [t.table, t.rows])).toEqual([['public.events', 3], ['public.ledger', 1], ['public.notes', 2], ['public.users', 2]]);
    await closeAll();
    const second = await copy();
    expect(second.manifest.tables).toEqual(first.manifest.tables);
  }, 60_000);

  it.each(f.targets('all'))('into %s, every row: each table holds exactly its own rows (an inheritance parent not its children\'s, a partition its own)', async (_, makeTarget) => {
    const url = await makeTarget();
    await copyDatabase({ config: await resolveConfig({ cwd: f.work, url, environ: {}, migrationsDir: f.migrations }), from: parseTarget(f.source.url, f.work), copy: COPY, subset: null, secret: 's' });
    for (const table of ['users', 'events_eu', 'events_us', 'notes', 'ledger', 'ledger_old']) {
      expect([table, await ids(url, `select id from only ${table}`)]).toEqual([table, await ids(f.source.url, `select id from only ${table}`)]);
    }
  }, 60_000);
});
