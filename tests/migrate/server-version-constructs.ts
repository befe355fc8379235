/**
 * Each construct a production server older than the embedded Postgres 18 refuses, with the first
 * major that accepts it: refused one major below, accepted from it on. Syntax is checked by that
 * major's own parser too (libpg-query-15/16/17), so a wrong `since` here fails this table.
 */
export const CONSTRUCTS: Array<[string, number, string, RegExp]> = [
  ['uuidv7()', 18, 'create table t (id uuid default uuidv7())', /uuidv7\(\) needs PostgreSQL 18/],
  ['virtual generated column', 18, 'create table t (a int, b int generated always as (a * 2) virtual)', /virtual generated column/],
  ['generated column with no STORED (virtual in 18)', 18, 'create table t (a int, b int generated always as (a * 2))', /virtual generated column/],
  ['OLD/NEW in RETURNING', 18, 'update t set a = 1 returning old.a, new.a', /OLD\.… in RETURNING needs PostgreSQL 18/],
  ['RETURNING WITH (OLD AS …)', 18, 'delete from t returning with (old as o) o.a', /RETURNING WITH/],
  ['NOT NULL … NOT VALID', 18, 'alter table t add constraint t_a_nn not null a not valid', /NOT NULL … NOT VALID needs PostgreSQL 18/],
  ['WITHOUT OVERLAPS', 18, 'create table p (id int, valid tstzrange, primary key (id, valid without overlaps))', /WITHOUT OVERLAPS/],
  ['COPY … REJECT_LIMIT', 18, 'copy t from stdin with (on_error ignore, reject_limit 3)', /REJECT_LIMIT needs PostgreSQL 18/],
  ['MERGE … RETURNING', 17, 'merge into t using s on t.a = s.a when matched then update set b = 1 returning *', /MERGE … RETURNING needs PostgreSQL 17/],
  ['JSON_TABLE', 17, "select * from json_table('[]'::jsonb, '$[*]' columns (a int path '$.a')) jt", /JSON_TABLE needs PostgreSQL 17/],
  ['JSON_VALUE', 17, "select json_value('{}'::jsonb, '$.a')", /JSON_VALUE needs PostgreSQL 17/],
  ['COPY … ON_ERROR', 17, 'copy t from stdin with (on_error ignore)', /COPY … ON_ERROR needs PostgreSQL 17/],
  ['uuid_extract_timestamp()', 17, "select uuid_extract_timestamp('0190a6f0-0000-7000-8000-000000000000'::uuid)", /uuid_extract_timestamp\(\) needs PostgreSQL 17/],
  ['random(min, max)', 17, 'select random(1, 10)', /random\(\) with 2 arguments needs PostgreSQL 17/],
  ['JSON_OBJECT(k: v)', 16, "select json_object('a': 1)", /JSON_OBJECT\(…\) needs PostgreSQL 16/],
  ['JSON_ARRAY', 16, 'select json_array(1, 2)', /JSON_ARRAY\(…\) needs PostgreSQL 16/],
  ['IS JSON', 16, "select '1' is json", /IS JSON needs PostgreSQL 16/],
  ['ANY_VALUE', 16, 'select any_value(a) from t', /any_value\(\) needs PostgreSQL 16/],
  ['MERGE', 15, 'merge into t using s on t.a = s.a when matched then update set b = 1', /^MERGE needs PostgreSQL 15/],
  ['NULLS NOT DISTINCT', 15, 'create table u (a int unique nulls not distinct)', /NULLS NOT DISTINCT needs PostgreSQL 15/],
];
