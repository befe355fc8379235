import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/driver/database.js';

/**
 * A schema with the identifiers reset must quote (a quote inside a name, capitals), identities of
 * three kinds, a foreign key inside the managed schema, and a table in another schema that
 * references a managed one (CASCADE reaches it).
 */
export const MIGRATION = `-- migrate:up
create table users (id int generated always as identity primary key, name text not null);
create table "Weird ""Name""" (id serial primary key, user_id int references users (id));
create table "CamelCase" (id bigserial primary key, label text);
create schema extra;
create table extra.notes (id serial primary key, body text);
create schema audit;
create table audit.log (id serial primary key, user_id int references users (id));

-- migrate:down
drop schema audit cascade;
drop schema extra cascade;
drop table "CamelCase";
drop table "Weird ""Name""";
drop table users;
`;

export const PROJECT = { 'migrations/001_schema.sql': MIGRATION };

/** Two rows in every table (ids 1 and 2). */
export async function fill(db: Kysely<any>): Promise<void> {
  await sql`
    insert into users (name) values ('ada'), ('bob');
    insert into "Weird ""Name""" (user_id) values (1), (2);
    insert into "CamelCase" (label) values ('x'), ('y');
    insert into extra.notes (body) values ('n1'), ('n2');
    insert into audit.log (user_id) values (1), (2);
  `.execute(db);
}

const TABLES = {
  users: 'public.users',
  weird: 'public."Weird ""Name"""',
  camel: 'public."CamelCase"',
  notes: 'extra.notes',
  log: 'audit.log',
  migrations: 'public.kysely_migration',
  history: 'public.dbctl_migration',
};

/** Row count of every table above. */
export async function counts(db: Kysely<any>): Promise<Record<keyof typeof TABLES, number>> {
  const out = {} as Record<keyof typeof TABLES, number>;
  for (const [label, table] of Object.entries(TABLES)) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(table)}`.execute(db);
    out[label as keyof typeof TABLES] = rows[0].n;
  }
  return out;
}

/** Opens `url` for `fn` and closes it again (an embedded database is one process at a time: the CLI needs it back). */
export async function withOpen<T>(url: string, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url });
  try {
    return await fn(await database.kysely());
  } finally {
    await database.close();
  }
}
