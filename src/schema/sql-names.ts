import { quoteLiteral } from '../sql/quote.js';

/**
 * Postgres 18's keywords that are not unreserved (pg_get_keywords() catcode <> 'U'), a superset of
 * PG 15's: an identifier spelled like one must be quoted, as quote_ident does.
 */
const KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char
  character check coalesce collate collation column concurrently constraint create cross current_catalog current_date
  current_role current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do
  else end except exists extract false fetch float for foreign freeze from full grant greatest group grouping having ilike
  in initially inner inout int integer intersect interval into is isnull join json json_array json_arrayagg json_exists
  json_object json_objectagg json_query json_scalar json_serialize json_table json_value lateral leading least left like
  limit localtime localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset
  on only or order out outer overlaps overlay placing position precision primary real references returning right row
  select session_user setof similar smallint some substring symmetric system_user table tablesample then time timestamp to
  trailing treat trim true union unique user using values varchar variadic verbose when where window with xmlattributes
  xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/),
);

/** An identifier as Postgres's quote_ident writes it: bare when it can be, quoted otherwise. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export function qualifiedIdent(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** A role in GRANT / TO lists: PUBLIC is a keyword there, every other role an identifier. */
export function roleIdent(role: string): string {
  return role === 'PUBLIC' ? 'PUBLIC' : ident(role);
}

export { quoteLiteral as literal };
