import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/resolve.js';
import type { Database, SqlClient } from '../../src/driver/database.js';
import { describeSchemaDiff, diffSchemas, dumpSchema, introspectSchema, type SchemaDiff, type SchemaSnapshot } from '../../src/schema/index.js';
import { createTestDatabase } from '../../src/testing.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { fixtureProject, migrated, READER } from './fixture.js';

/** [group, kind, name, changed field] of the one difference a change must produce. */
type Expected = ['missing' | 'extra' | 'changed', string, string, string?];

/** One change per object kind, made by hand on a migrated database, and what drift must say about it. */
const CASES: [string, string, Expected | null][] = [
  ['schema: comment', `comment on schema shop is 'renamed'`, ['changed', 'schema', 'shop', 'comment']],
  ['schema: added', `create schema reports`, ['extra', 'schema', 'reports']],
  ['extension: added', `create extension citext`, ['extra', 'extension', 'citext']],
  ['enum: value added', `alter type shop.status add value 'refunded'`, ['changed', 'enum', 'shop.status', 'labels']],
  ['domain: not null', `alter domain shop.email set not null`, ['changed', 'domain', 'shop.email', 'notNull']],
  ['domain: added', `create domain shop.positive as integer check (value > 0)`, ['extra', 'domain', 'shop.positive']],
  ['composite type: removed', `drop type shop.money_pair`, ['missing', 'composite type', 'shop.money_pair']],
  ['sequence: increment', `alter sequence shop.invoice_no increment by 5`, ['changed', 'sequence', 'shop.invoice_no', 'increment']],
  ['table: removed', `drop table notes`, ['missing', 'table', 'public.notes']],
  ['table: added', `create table shop.refunds (id int)`, ['extra', 'table', 'shop.refunds']],
  ['table: row-level security off', `alter table shop.orders disable row level security`, ['changed', 'table', 'shop.orders', 'rowSecurity']],
  ['table: grant revoked', `revoke select on shop.orders from ${READER}`, ['changed', 'table', 'shop.orders', 'grants']],
  ['table: partition detached', `alter table shop.events detach partition shop.events_2026`, ['changed', 'table', 'shop.events_2026', 'partitionOf']],
  ['column: added', `alter table notes add column title text`, ['extra', 'column', 'public.notes.title']],
  ['column: removed', `alter table notes drop column body`, ['missing', 'column', 'public.notes.body']],
  ['column: nullable', `alter table notes alter column body drop not null`, ['changed', 'column', 'public.notes.body', 'notNull']],
  ['column: type', `alter table notes alter column body type varchar(100)`, ['changed', 'column', 'public.notes.body', 'type']],
  ['column: default', `alter table shop.orders alter column status set default 'paid'`, ['changed', 'column', 'shop.orders.status', 'default']],
  ['column: comment', `comment on column notes.body is 'markdown'`, ['changed', 'column', 'public.notes.body', 'comment']],
  ['column: grant revoked', `revoke select (email) on shop.customers from ${READER}`, ['changed', 'column', 'shop.customers.email', 'grants']],
  ['constraint: removed', `alter table shop.orders drop constraint orders_total_check`, ['missing', 'constraint', 'orders_total_check on shop.orders']],
  [
    'constraint: changed',
    `alter table shop.orders drop constraint orders_customer_id_fkey,
       add constraint orders_customer_id_fkey foreign key (customer_id) references shop.customers (id) on delete restrict`,
    ['changed', 'constraint', 'orders_customer_id_fkey on shop.orders', 'definition'],
  ],
  ['index: added', `create index notes_body_idx on notes (body)`, ['extra', 'index', 'notes_body_idx on public.notes']],
  ['index: removed', `drop index shop.orders_paid_idx`, ['missing', 'index', 'orders_paid_idx on shop.orders']],
  [
    'index: changed',
    `drop index shop.orders_paid_idx; create index orders_paid_idx on shop.orders (customer_id) where status = 'shipped'`,
    ['changed', 'index', 'orders_paid_idx on shop.orders', 'definition'],
  ],
  ['index of a materialized view: removed', `drop index shop.totals_customer`, ['missing', 'index', 'totals_customer on shop.totals']],
  ['trigger: removed', `drop trigger customers_touch on shop.customers`, ['missing', 'trigger', 'customers_touch on shop.customers']],
  ['trigger: disabled', `alter table shop.customers disable trigger customers_touch`, ['changed', 'trigger', 'customers_touch on shop.customers', 'enabled']],
  ['policy: changed', `alter policy orders_reader on shop.orders using (true)`, ['changed', 'policy', 'orders_reader on shop.orders', 'using']],
  ['policy: removed', `drop policy orders_reader on shop.orders`, ['missing', 'policy', 'orders_reader on shop.orders']],
  [
    'view: changed',
    `create or replace view shop.paid_orders as select id, customer_id, total from shop.orders where status = 'shipped'`,
    ['changed', 'view', 'shop.paid_orders', 'definition'],
  ],
  ['view: grant revoked', `revoke select on shop.paid_orders from ${READER}`, ['changed', 'view', 'shop.paid_orders', 'grants']],
  ['materialized view: removed', `drop materialized view shop.totals`, ['missing', 'materialized view', 'shop.totals']],
  [
    'function: changed',
    `create or replace function shop.add(a integer, b integer) returns integer language sql immutable as $$ select b + a $$`,
    ['changed', 'function', 'shop.add(a integer, b integer)', 'definition'],
  ],
  ['function: overload added', `create function shop.add(a text) returns text language sql as $$ select a $$`, ['extra', 'function', 'shop.add(a text)']],
  ['function: EXECUTE revoked from PUBLIC', `revoke execute on function shop.add(integer, integer) from public`, ['changed', 'function', 'shop.add(a integer, b integer)', 'grants']],
  ['procedure: removed', `drop procedure shop.noop()`, ['missing', 'procedure', 'shop.noop()']],
  // Bookkeeping and extension members are never part of the schema.
  ['bookkeeping: changed', `alter table dbctl_migration add column note text; create index on kysely_migration (timestamp)`, null],
  ['extension member: changed', `alter function similarity(text, text) cost 7`, null],
];

function entries(diff: SchemaDiff): Expected[] {
  return [
    ...diff.missing.map((o): Expected => ['missing', o.kind, o.name]),
    ...diff.extra.map((o): Expected => ['extra', o.kind, o.name]),
    ...diff.changed.flatMap((c) => c.changes.map((f): Expected => ['changed', c.kind, c.name, f.field])),
  ];
}

describe.each(backends)('schema introspection and diff ($name)', (backend) => {
  let database: Database;
  let config: ResolvedConfig;
  let baseline: SchemaSnapshot;

  let dropTarget: () => Promise<void>;

  beforeAll(async () => {
    const target = await createTestDatabase({ serverUrl: backend.serverUrl });
    dropTarget = () => target.drop();
    ({ database, config } = await migrated(target.url, fixtureProject()));
    baseline = await introspectSchema(database, { migrations: config.migrations });
  });
  afterAll(async () => {
    await database?.close();
    await dropTarget?.();
  });

  /** The snapshot with `change` made, inside a transaction rolled back afterwards. */
  async function snapshotWith(change: string): Promise<SchemaSnapshot> {
    return database.session(async (client) => {
      await client.query('begin');
      try {
        await client.query(change);
        const one = { session: <T>(fn: (c: SqlClient) => Promise<T>) => fn(client) };
        return await introspectSchema(one, { migrations: config.migrations, inTransaction: true });
      } finally {
        await client.query('rollback');
      }
    });
  }

  it('captures every kind by name and definition, without bookkeeping or extension members', () => {
    const names = (list: { schema?: string; name: string }[]) => list.map((o) => (o.schema ? `${o.schema}.${o.name}` : o.name));
    expect(names(baseline.schemas)).toEqual(['shop']);
    expect(baseline.extensions.map((e) => [e.name, e.schema])).toEqual([['pg_trgm', 'public']]);
    expect(names(baseline.tables)).toEqual(['public.notes', 'shop.customers', 'shop.events', 'shop.events_2026', 'shop.orders']);
    expect(names(baseline.views)).toEqual(['shop.paid_orders', 'shop.totals']);
    expect(baseline.functions.map((f) => `${f.kind} ${f.schema}.${f.name}(${f.arguments})`)).toEqual([
      'function shop.add(a integer, b integer)',
      'procedure shop.noop()',
      'function shop.orders_of(c bigint)',
      'function shop.touch()',
    ]);
    expect(names(baseline.sequences)).toEqual(['shop.invoice_no', 'shop.orders_id_seq']);
    expect(baseline.sequences[1].ownedBy).toBe('shop.orders.id');
    const customers = baseline.tables.find((t) => t.name === 'customers')!;
    expect(customers.columns.map((c) => [c.name, c.type, c.identity, c.generated?.kind ?? null, c.collation])).toEqual([
      ['id', 'bigint', 'always', null, null],
      ['email', 'shop.email', null, null, null],
      ['name', 'text', null, null, 'pg_catalog."C"'],
      ['name_length', 'integer', null, 'stored', null],
      ['updated_at', 'timestamp with time zone', null, null, null],
    ]);
    expect(customers.columns[0].grants).toEqual([{ role: READER, privileges: ['SELECT'] }]);
    const orders = baseline.tables.find((t) => t.name === 'orders')!;
    expect(orders.constraints.map((c) => `${c.kind} ${c.name}`)).toEqual([
      'foreign key orders_customer_id_fkey',
      'exclusion orders_no_overlap',
      'primary key orders_pkey',
      'check orders_total_check',
    ]);
    expect(orders.policies).toEqual([
      { name: 'orders_reader', permissive: true, command: 'SELECT', roles: [READER], using: `(status <> 'new'::shop.status)`, withCheck: null, comment: null },
    ]);
    expect(JSON.stringify(baseline)).not.toMatch(/kysely_migration|dbctl_migration|similarity|gtrgm/);
  });

  it('--schema keeps only the schemas asked for', async () => {
    const only = await introspectSchema(database, { schemas: ['public'], migrations: config.migrations });
    expect(only.tables.map((t) => t.name)).toEqual(['notes']);
    expect([only.schemas, only.views, only.functions, only.enums, only.sequences].every((l) => l.length === 0)).toBe(true);
  });

  it('is the same snapshot twice, and equal to itself', async () => {
    expect(await introspectSchema(database, { migrations: config.migrations })).toEqual(baseline);
    expect(diffSchemas(baseline, baseline)).toEqual({ equal: true, missing: [], extra: [], changed: [] });
  });

  it('reports exactly the one difference of each kind of change', async () => {
    const failures: string[] = [];
    for (const [label, change, expected] of CASES) {
      const diff = diffSchemas(baseline, await snapshotWith(change));
      const found = entries(diff);
      const want = expected ? [expected] : [];
      if (JSON.stringify(found) !== JSON.stringify(want)) failures.push(`${label}: expected ${JSON.stringify(want)}, got ${JSON.stringify(found)}\n${describeSchemaDiff(diff).join('\n')}`);
    }
    expect(failures).toEqual([]);
  });

  it('dump → apply to an empty database → dump gives the same bytes', async () => {
    const dump = dumpSchema(baseline);
    expect(dumpSchema(await introspectSchema(database, { migrations: config.migrations }))).toBe(dump);
    const target = await freshDatabase(backend);
    const { openDatabase } = await import('../../src/driver/database.js');
    const restored = await openDatabase({ url: target.url });
    try {
      await restored.query(dump);
      const again = await introspectSchema(restored, { migrations: config.migrations });
      expect(diffSchemas(baseline, again).equal).toBe(true);
      expect(dumpSchema(again)).toBe(dump);
    } finally {
      await restored.close();
    }
  });
});
