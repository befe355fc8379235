import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { Migrator, migratorConfig } from '../../src/migrate/migrator.js';
import { tempProject } from '../helpers/cli.js';
import { sqlMigration } from '../migrate/helpers.js';

/** A role the fixture grants to. Roles are global to a server: created once, never dropped. */
export const READER = 'dbctl_schema_reader';

/**
 * One of every object kind the introspection captures, in `public` and a second schema `shop`,
 * plus an extension (whose own functions and types must not show).
 */
export const FIXTURE_SQL = `
do $$ begin create role ${READER} nologin; exception when duplicate_object or unique_violation then null; end $$;
create extension if not exists pg_trgm;
create schema shop;
comment on schema shop is 'the shop';
grant usage on schema shop to ${READER};

create type shop.status as enum ('new', 'paid', 'shipped');
create domain shop.email as text check (value ~ '@');
create type shop.money_pair as (amount numeric(12,2), currency char(3));
create sequence shop.invoice_no start with 1000 increment by 10;

create function shop.touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$;
create function shop.add(a integer, b integer) returns integer language sql immutable as $$ select a + b $$;
create procedure shop.noop() language sql as $$ select 1 $$;

create table shop.customers (
  id bigint generated always as identity primary key,
  email shop.email not null unique,
  name text collate "C",
  name_length integer generated always as (length(name)) stored,
  updated_at timestamptz not null default now()
);
comment on table shop.customers is 'people who buy';
comment on column shop.customers.email is 'where receipts go';
create index customers_name_trgm on shop.customers using gin (name gin_trgm_ops);
create trigger customers_touch before update on shop.customers for each row execute function shop.touch();

create table shop.orders (
  id serial primary key,
  customer_id bigint not null references shop.customers (id) on delete cascade,
  status shop.status not null default 'new',
  total numeric(12,2) not null check (total >= 0),
  during tstzrange,
  constraint orders_no_overlap exclude using gist (during with &&)
);
create index orders_paid_idx on shop.orders (customer_id) where status = 'paid';
alter table shop.orders enable row level security;
create policy orders_reader on shop.orders for select to ${READER} using (status <> 'new');
grant select on shop.orders to ${READER};
grant select (id, email) on shop.customers to ${READER};

create table shop.events (at timestamptz not null, kind text) partition by range (at);
create table shop.events_2026 partition of shop.events for values from ('2026-01-01') to ('2027-01-01');

create view shop.paid_orders as select id, customer_id, total from shop.orders where status = 'paid';
create materialized view shop.totals as select customer_id, sum(total) as total from shop.orders group by customer_id;
create unique index totals_customer on shop.totals (customer_id);
grant select on shop.paid_orders to ${READER};

create table notes (id uuid primary key default gen_random_uuid(), body text not null);
-- resolved at creation, so a dump must create it after the table it returns
create function shop.orders_of(c bigint) returns setof shop.orders language sql stable
begin atomic select * from shop.orders where customer_id = c; end;
`;

/** A project whose one migration is FIXTURE_SQL (so the database also has dbctl's bookkeeping). */
export function fixtureProject(): string {
  return tempProject({ 'migrations/001_fixture.sql': sqlMigration(FIXTURE_SQL) });
}

/** Opens `url` and migrates it with the project at `cwd`; the caller closes it. */
export async function migrated(url: string, cwd: string): Promise<{ database: Database; config: ResolvedConfig }> {
  const config = await resolveConfig({ cwd, url, environ: {} });
  const database = await openDatabase({ url, cwd });
  try {
    await new Migrator({ database, ...migratorConfig(config) }).up();
  } catch (error) {
    await database.close();
    throw error;
  }
  return { database, config };
}
