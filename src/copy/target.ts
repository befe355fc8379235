import type { SqlClient } from '../driver/database.js';
import { quoteIdent } from '../sql/quote.js';
import { CheckFailedError } from '../errors.js';
import { qualified } from './graph.js';

interface ForeignKeyDef {
  /** `schema.table`, as the copy's keys go. */
  key: string;
  table: string;
  relname: string;
  name: string;
  definition: string;
}

/**
 * Readies the new database for loading in any order (cycles included): the foreign keys of the
 * tables that get rows (`loaded`, by `schema.table` key) are dropped and noted, their user triggers
 * and their partitions' disabled (an audit or updated_at trigger must not rewrite copied rows), and
 * the indexes of the big ones (`bulky`: primary keys and unique constraints included) dropped to be
 * built once over the loaded rows, as pg_restore does. A table that gets a few rows keeps its
 * indexes (dropping and building them again costs more than the rows do), and one that gets none
 * keeps everything: its keys hold whatever is loaded elsewhere. `finish` puts them back: the
 * indexes from their own definitions, then each foreign key is re-added, which checks every row (0
 * violations, or the copy fails naming the key), then sequences are set past the copied keys and
 * materialized views refreshed.
 */
/** Times a step of `finish` (the copy's phase clock); by default it only runs it. */
export type Timed = <T>(phase: string, fn: () => Promise<T>) => Promise<T>;

export async function prepareTarget(client: SqlClient, loaded: string[], bulky: string[]): Promise<{ finish(time?: Timed): Promise<void> }> {
  // The loaded tables' own keys only: the definition of every key of a 200-table schema took ~8 ms.
  const { rows: fks } = loaded.length ? await client.query<ForeignKeyDef>(`
    select format('%s.%s', n.nspname, c.relname) as key, format('%I.%I', n.nspname, c.relname) as table, c.relname, k.conname as name, pg_catalog.pg_get_constraintdef(k.oid) as definition
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class c on c.oid = k.conrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and k.conparentid = 0 and format('%s.%s', n.nspname, c.relname) = any($1::text[])
    order by 2, 3`, [loaded]) : { rows: [] };
  const triggers = await enabledTriggers(client, loaded);
  const script = [
    ...fks.map((f) => `alter table ${f.table} drop constraint ${quoteIdent(f.name)}`),
    ...triggers.map((t) => `alter table only ${t.table} disable trigger ${quoteIdent(t.name)}`),
  ];
  if (script.length) await client.query(script.join(';\n'));
  const deferred = await deferIndexes(client, bulky.map(qualified));
  return {
    async finish(time: Timed = (_, fn) => fn()) {
      await time('indexes', () => deferred.rebuild());
      // One script, one round trip: a subset leaves most of a big schema's tables empty, and a
      // statement each was most of the time of re-adding their keys.
      await time('foreign keys', async () => {
        try {
          if (fks.length) await client.query(fks.map((f) => `alter table ${f.table} add constraint ${quoteIdent(f.name)} ${f.definition}`).join(';\n'));
        } catch (error) {
          const e = error as { code?: string; message?: string; detail?: string; constraint?: string; table?: string };
          if (e.code !== '23503') throw error;
          const name = e.constraint ?? /foreign key constraint "([^"]+)"/.exec(e.message ?? '')?.[1];
          const f = fks.find((k) => k.name === name && k.relname === e.table) ?? fks.find((k) => k.name === name);
          throw new CheckFailedError(`db copy: foreign key ${f?.name ?? name} on ${f?.table ?? e.table} is violated by the copied rows: ${e.detail ?? e.message}`, {
            hint: 'a reference the subset does not follow (declare it in copy.virtualForeignKeys), or a masked key column: mask both sides with the same rule',
            data: { constraint: f?.name ?? name, table: f?.table ?? e.table },
          }, 'copy_verify_failed');
        }
      });
      await time('triggers, sequences, views', async () => {
        if (triggers.length) await client.query(triggers.map((t) => `alter table only ${t.table} enable ${ENABLED[t.enabled]} trigger ${quoteIdent(t.name)}`).join(';\n'));
        await resetSequences(client, loaded);
        await refreshViews(client);
      });
    },
  };
}

interface TriggerDef {
  /** The relation it is on: a loaded table, or a partition of one. */
  table: string;
  name: string;
  /** pg_trigger.tgenabled: O (origin), A (always), R (replica). */
  enabled: 'O' | 'A' | 'R';
}

/** How each enabled state is set again. */
const ENABLED = { O: '', A: 'always', R: 'replica' } as const;

/**
 * The enabled user triggers of the tables that get rows and of their partitions, one by one: a
 * trigger declared on a partition is not reached by disabling its parent's (`disable trigger user`
 * on the parent left it firing on copied rows), and each is put back in its own state after (one
 * a migration left disabled stays disabled). Table by table with ONLY: a parent's trigger and its
 * partitions' clones are each set here.
 */
async function enabledTriggers(client: SqlClient, loaded: string[]): Promise<TriggerDef[]> {
  if (!loaded.length) return [];
  const { rows } = await client.query<TriggerDef>(`
    select format('%I.%I', tn.nspname, tc.relname) as table, g.tgname as name, g.tgenabled as enabled
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    cross join lateral (select c.oid as relid union select p.relid from pg_catalog.pg_partition_tree(c.oid) p) t
    join pg_catalog.pg_trigger g on g.tgrelid = t.relid and not g.tgisinternal and g.tgenabled <> 'D'
    join pg_catalog.pg_class tc on tc.oid = t.relid
    join pg_catalog.pg_namespace tn on tn.oid = tc.relnamespace
    where format('%s.%s', n.nspname, c.relname) = any($1::text[])
    order by 1, 2`, [loaded]);
  return rows;
}

/**
 * Every column-owned sequence (serial, identity) of the tables that got rows set past the largest
 * value copied; the others' stay as the migrations left them (asking every column of a 200-table
 * schema for its sequence took ~10 ms).
 */
async function resetSequences(client: SqlClient, loaded: string[]): Promise<void> {
  if (!loaded.length) return;
  const { rows } = await client.query<{ seq: string; table: string; column: string }>(`
    select s.seq, format('%I.%I', n.nspname, c.relname) as table, a.attname as column
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    cross join lateral (select pg_catalog.pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) as seq) s
    where c.relkind in ('r', 'p') and s.seq is not null and format('%s.%s', n.nspname, c.relname) = any($1::text[])`, [loaded]);
  if (!rows.length) return;
  await client.query(rows.map((r) => `select pg_catalog.setval('${r.seq.replace(/'/g, "''")}', coalesce((select max(${quoteIdent(r.column)}) from ${r.table}), 1), (select count(*) > 0 from ${r.table}))`).join(';\n'));
}

async function refreshViews(client: SqlClient): Promise<void> {
  const { rows } = await client.query<{ view: string }>(`select format('%I.%I', schemaname, matviewname) as view from pg_catalog.pg_matviews where schemaname not in ('pg_catalog', 'information_schema') order by 1`);
  for (const r of rows) {
    try {
      await client.query(`refresh materialized view ${r.view}`);
    } catch (error) {
      throw new CheckFailedError(`db copy: refreshing materialized view ${r.view} failed: ${(error as Error).message}`, {}, 'copy_verify_failed');
    }
  }
}

/** An index or a key constraint taken off a table while it loads, with what puts it back. */
interface Deferred {
  drop: string;
  create: string;
  name: string;
  table: string;
}

/**
 * Drops the indexes of the loaded tables that can be put back exactly from their definitions, and
 * returns how to put them back. Maintaining a primary key row by row made a load about half as slow
 * again as loading first and building the index once. Left in place: indexes of partitioned tables
 * and partitions, and any with something attached (a comment, a statistics target, a tablespace,
 * a replica identity, CLUSTER, something depending on it). Run after the foreign keys are dropped.
 */
async function deferIndexes(client: SqlClient, tables: string[]): Promise<{ rebuild(): Promise<void> }> {
  if (!tables.length) return { rebuild: async () => {} };
  const plain = `c.relkind = 'r' and not c.relispartition and c.oid in (select pg_catalog.unnest($1::text[])::regclass)
      and i.indisvalid and not i.indisreplident and not i.indisclustered and ic.reltablespace = 0
      and pg_catalog.obj_description(ic.oid, 'pg_class') is null
      and not exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = ic.oid and coalesce(a.attstattarget, -1) <> -1)
      and not exists (select 1 from pg_catalog.pg_depend d where d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = ic.oid)`;
  const { rows } = await client.query<Deferred>(`
    select format('alter table %I.%I drop constraint %I', n.nspname, c.relname, k.conname) as drop,
      format('alter table %I.%I add constraint %I ', n.nspname, c.relname, k.conname) || pg_catalog.pg_get_constraintdef(k.oid) as create,
      k.conname as name, format('%I.%I', n.nspname, c.relname) as table
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_index i on i.indexrelid = k.conindid
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
    join pg_catalog.pg_class c on c.oid = k.conrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where k.contype in ('p', 'u') and ${plain}
      and pg_catalog.obj_description(k.oid, 'pg_constraint') is null
      and not exists (select 1 from pg_catalog.pg_depend d where d.refclassid = 'pg_catalog.pg_constraint'::regclass and d.refobjid = k.oid and d.objid <> ic.oid)
    union all
    select format('drop index %I.%I', n.nspname, ic.relname), pg_catalog.pg_get_indexdef(ic.oid), ic.relname, format('%I.%I', n.nspname, c.relname)
    from pg_catalog.pg_index i
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
    join pg_catalog.pg_class c on c.oid = i.indrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = ic.oid) and ${plain}
    order by 4, 3`, [tables]);
  if (rows.length) await client.query(rows.map((r) => r.drop).join(';\n'));
  return {
    async rebuild() {
      if (!rows.length) return;
      try {
        await client.query(rows.map((r) => r.create).join(';\n'));
      } catch (error) {
        throw uniqueViolated(error, (name) => rows.find((r) => r.name === name)?.table);
      }
    },
  };
}

/**
 * A unique index the copied rows break (23505: building a deferred index, or loading a table that
 * kept its indexes) as the copy's verification failure; any other error as it is.
 */
export function uniqueViolated(error: unknown, tableOf: (index: string) => string | undefined = () => undefined): unknown {
  const e = error as { code?: string; message?: string; detail?: string; constraint?: string; table?: string };
  if (e?.code !== '23505') return error;
  const name = e.constraint ?? /could not create unique index "([^"]+)"/.exec(e.message ?? '')?.[1];
  return new CheckFailedError(`db copy: unique index ${name} on ${tableOf(name ?? '') ?? e.table} is violated by the copied rows: ${e.detail ?? e.message}`, {
    hint: 'a masked column under a unique index: two source values were given one fake (mask it with hash, or keep it)',
    data: { constraint: name, table: e.table },
  }, 'copy_verify_failed');
}
