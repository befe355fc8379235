import type { SqlClient } from '../driver/database.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { listForeignKeys, type TableRef } from './tables.js';

/**
 * The rows of `tables` as SQL that inserts them again (a squash baseline's reference data): one
 * INSERT per table, the rows as JSON read back with jsonb_populate_recordset (every type
 * round-trips through its text form), generated columns left to compute themselves, identity
 * values kept (OVERRIDING SYSTEM VALUE), tables in foreign-key order; then every sequence that was
 * used is set where it stood, so the next row gets the id it would have got.
 */
export async function rowsAsSql(client: SqlClient, tables: TableRef[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of await inForeignKeyOrder(client, tables)) {
    const name = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
    const { rows: columns } = await client.query<{ name: string }>(
      `select attname as name from pg_catalog.pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`,
      [name],
    );
    const { rows } = await client.query<{ j: string }>(`select coalesce(jsonb_agg(to_jsonb(r)), '[]'::jsonb)::text as j from ${name} r`);
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    out.push(`INSERT INTO ${name} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM jsonb_populate_recordset(NULL::${name}, ${quoteLiteral(rows[0].j)});`);
  }
  return out;
}

/** `setval` for every sequence of the user's schemas that has been used (not those of extensions). */
export async function sequencesAsSql(client: SqlClient, exclude: (s: { schema: string }) => boolean = () => false): Promise<string[]> {
  const { rows } = await client.query<{ schema: string; name: string; last: string }>(`
    select s.schemaname as schema, s.sequencename as name, s.last_value::text as last
    from pg_catalog.pg_sequences s
    where s.last_value is not null and s.schemaname not in ('pg_catalog', 'information_schema')
      and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::regclass
        and d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass and d.deptype = 'e')
    order by s.schemaname collate "C", s.sequencename collate "C"`);
  return rows.filter((r) => !exclude(r)).map((r) => `SELECT pg_catalog.setval(${quoteLiteral(`${quoteIdent(r.schema)}.${quoteIdent(r.name)}`)}, ${r.last}, true);`);
}

/** Referenced tables before the tables that reference them (a cycle keeps name order). */
async function inForeignKeyOrder(client: SqlClient, tables: TableRef[]): Promise<TableRef[]> {
  const key = (t: TableRef) => `${t.schema}.${t.table}`;
  const wanted = new Map(tables.map((t) => [key(t), t]));
  const needs = new Map<string, string[]>();
  for (const edge of await listForeignKeys(client)) {
    if (!wanted.has(key(edge.from)) || !wanted.has(key(edge.to)) || key(edge.from) === key(edge.to)) continue;
    needs.set(key(edge.from), [...(needs.get(key(edge.from)) ?? []), key(edge.to)]);
  }
  const out: TableRef[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (k: string) => {
    if (state.get(k)) return;
    state.set(k, 'visiting');
    for (const dep of needs.get(k) ?? []) visit(dep);
    state.set(k, 'done');
    out.push(wanted.get(k)!);
  };
  for (const k of wanted.keys()) visit(k);
  return out;
}
