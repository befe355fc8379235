import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { resetFixture } from './fixture.js';

const names = (tables: { schema: string; table: string }[]) => tables.map((t) => `${t.schema}.${t.table}`);

/**
 * `payment` is partitioned twice over (by year, then by method), and the foreign key to `customer`
 * is declared on a sub-partition only: a kept `payment` must keep it, so emptying `customer` is
 * impossible without emptying kept rows.
 */
const PAYMENTS = `
create table customer (id serial primary key, name text);
create table payment (id serial, customer_id int, paid date not null, method text not null) partition by range (paid);
create table payment_2026 partition of payment for values from ('2026-01-01') to ('2027-01-01') partition by list (method);
create table payment_2026_card partition of payment_2026 for values in ('card');
create table payment_2026_cash partition of payment_2026 for values in ('cash');
alter table payment_2026_card add foreign key (customer_id) references customer (id);
insert into customer (name) values ('ada'), ('bob');
insert into payment (customer_id, paid, method) values (1, '2026-03-01', 'card'), (2, '2026-04-01', 'cash');
`;

describe.each(backends)('reset and partitions on $name', (backend) => {
  it('refuses to keep a partitioned table whose sub-partition references an emptied table, before emptying anything', async () => {
    const f = await resetFixture(backend, PAYMENTS);
    const refusal = await f.refused({ keep: ['payment'] });
    expect(refusal).toMatchObject({ code: 'reset_keep_conflict', exitCode: 2 });
    expect(refusal.message).toBe(
      'cannot keep public.payment: its partition public.payment_2026_card references public.customer (foreign key payment_2026_card_customer_id_fkey), which reset empties',
    );
    expect(refusal.hint).toBe('keep public.customer as well (--keep public.customer)');
  });

  it('keeps every partition of a kept table, recursively', async () => {
    const f = await resetFixture(backend, PAYMENTS);
    const report = await f.reset({ keep: ['payment', 'customer'] });
    expect(names(report.truncated)).toEqual([]);
    expect(names(report.kept)).toEqual(['public.customer', 'public.payment']);
    expect(await f.counts('payment', 'payment_2026_card', 'payment_2026_cash')).toEqual({ payment: 2, payment_2026_card: 1, payment_2026_cash: 1 });
  });

  it('a partition emptied with its parent is no cascade: no warning, both emptied', async () => {
    const f = await resetFixture(backend, PAYMENTS);
    const report = await f.reset();
    expect(names(report.truncated)).toEqual(['public.customer', 'public.payment']);
    expect(report.cascaded).toEqual([]);
    expect(await f.counts('customer', 'payment')).toEqual({ customer: 0, payment: 0 });
  });

  it('refuses to keep a table that references a partition of an emptied table', async () => {
    const f = await resetFixture(backend, `
      create table ledger (id int primary key) partition by list (id);
      create table ledger_1 partition of ledger for values in (1);
      create table entry (id int primary key, ledger_id int references ledger_1 (id));
      insert into ledger values (1);
      insert into entry values (10, 1);
    `);
    const refusal = await f.refused({ keep: ['entry'] });
    expect(refusal).toMatchObject({ code: 'reset_keep_conflict', exitCode: 2 });
    expect(refusal.message).toBe('cannot keep public.entry: it references public.ledger_1 (foreign key entry_ledger_id_fkey), which reset empties with public.ledger');
    expect(refusal.hint).toBe('keep public.ledger as well (--keep public.ledger)');
  });

  it('names exactly the unmanaged tables reached through foreign keys, a partitioned one once', async () => {
    const f = await resetFixture(backend, `
      create table ledger (id int primary key) partition by list (id);
      create table ledger_1 partition of ledger for values in (1);
      create schema audit;
      create table audit.seen (ledger_id int references ledger_1 (id));
      create table audit.events (ledger_id int references ledger (id), at date not null) partition by range (at);
      create table audit.events_2026 partition of audit.events for values from ('2026-01-01') to ('2027-01-01');
      create table audit.untouched (id int);
      insert into ledger values (1);
      insert into audit.seen values (1);
      insert into audit.events values (1, '2026-02-02');
      insert into audit.untouched values (1);
    `);
    const dry = await f.reset({ dryRun: true });
    expect(names(dry.cascaded)).toEqual(['audit.events', 'audit.seen']);
    const statements: string[] = [];
    const off = f.database.onQuery((e) => statements.push(e.query.sql));
    const report = await f.reset();
    off();
    expect(names(report.truncated)).toEqual(['public.ledger']);
    expect(names(report.cascaded)).toEqual(['audit.events', 'audit.seen']);
    // Every table is named, so no CASCADE: Postgres checks the list is complete instead of widening it.
    expect(statements.filter((s) => /truncate/i.test(s))).toEqual(['truncate table "public"."ledger", "audit"."events", "audit"."seen" restart identity']);
    expect(await f.counts('ledger', 'audit.seen', 'audit.events', 'audit.untouched')).toEqual({ ledger: 0, 'audit.seen': 0, 'audit.events': 0, 'audit.untouched': 1 });
  });

  it('--keep of a partition says to keep its parent', async () => {
    const f = await resetFixture(backend, PAYMENTS);
    const refusal = await f.refused({ keep: ['payment_2026_cash'] });
    expect(refusal).toMatchObject({ exitCode: 2, message: '--keep payment_2026_cash: public.payment_2026_cash is a partition, kept or emptied with public.payment' });
    expect(refusal.hint).toBe('keep public.payment (--keep public.payment)');
  });

  it('inheritance children follow a kept parent, and a kept child of an emptied parent is refused', async () => {
    const f = await resetFixture(backend, `
      create table animal (id serial primary key, name text);
      create table dog (good boolean) inherits (animal);
      create table food (id int);
      insert into animal (name) values ('cat');
      insert into dog (name, good) values ('rex', true);
      insert into food values (1);
    `);
    const refusal = await f.refused({ keep: ['dog'] });
    expect(refusal).toMatchObject({ code: 'reset_keep_conflict', exitCode: 2, message: 'cannot keep public.dog: it inherits from public.animal, which reset empties (with its children)' });
    expect(refusal.hint).toBe('keep public.animal as well (--keep public.animal)');
    const report = await f.reset({ keep: ['animal'] });
    expect(names(report.kept)).toEqual(['public.animal', 'public.dog']);
    expect(names(report.truncated)).toEqual(['public.food']);
    expect(await f.counts('animal', 'dog', 'food')).toEqual({ animal: 2, dog: 1, food: 0 });
  });
});

/** Each table a kept `orders` needs needs another: one name per run would take five runs. */
const CHAIN = `
create table country (id int primary key);
create table region (id int primary key, country_id int references country (id));
create table customer (id int primary key, region_id int references region (id));
create table vendor (id int primary key);
create table product (id int primary key, vendor_id int references vendor (id));
create table orders (id int primary key, customer_id int references customer (id), product_id int references product (id));
create table visit (id int primary key);
insert into country values (1); insert into region values (1, 1); insert into customer values (1, 1);
insert into vendor values (1); insert into product values (1, 1); insert into orders values (1, 1, 1); insert into visit values (1);
`;

describe.each(backends)('reset --keep names every table a kept one needs, at once, on $name', (backend) => {
  it('the whole foreign-key closure in one refusal, and keeping it is enough', async () => {
    const f = await resetFixture(backend, CHAIN);
    const refusal = await f.refused({ keep: ['orders'] });
    expect(refusal).toMatchObject({ code: 'reset_keep_conflict', exitCode: 2 });
    expect(refusal.message).toMatch(/^cannot keep public\.orders: it references public\.(customer|product)/);
    const hinted = /^keep (.*) as well \((.*)\)$/.exec(refusal.hint!)!;
    expect(hinted[1].split(', ').sort()).toEqual(['public.country', 'public.customer', 'public.product', 'public.region', 'public.vendor']);
    const keep = ['orders', ...hinted[2].split(' ').filter((w) => w !== '--keep')];
    const report = await f.reset({ keep });
    expect(names(report.truncated)).toEqual(['public.visit']);
    expect(await f.counts('orders', 'country', 'visit')).toEqual({ orders: 1, country: 1, visit: 0 });
  });
});
