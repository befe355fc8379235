-- case: add an index on an existing table (concurrently)
-- a
create table t (id int primary key, a int);
-- b
create table t (id int primary key, a int);
create index t_a_idx on t (a);
-- expect: CREATE INDEX CONCURRENTLY t_a_idx

-- case: drop an index (concurrently)
-- a
create table t (id int primary key, a int);
create index t_a_idx on t (a);
-- b
create table t (id int primary key, a int);
-- expect: DROP INDEX CONCURRENTLY public.t_a_idx

-- case: an index on a new table is built plainly
-- a
-- b
create table t (id int primary key, a int);
create index t_a_idx on t (a);
-- expect: CREATE INDEX t_a_idx ON public.t

-- case: a changed index is built new, then the old one dropped
-- a
create table t (id int primary key, a int, b int);
create index t_idx on t (a);
-- b
create table t (id int primary key, a int, b int);
create index t_idx on t (a, b);
-- expect: CREATE INDEX CONCURRENTLY t_idx_dbctl_new
-- expect: RENAME TO t_idx

-- case: partial index
-- a
create table t (id int primary key, a int, deleted boolean);
-- b
create table t (id int primary key, a int, deleted boolean);
create index t_live on t (a) where not deleted;

-- case: expression index
-- a
create table t (id int primary key, email text);
-- b
create table t (id int primary key, email text);
create unique index t_email_lower on t (lower(email));

-- case: unique index with a data check
-- a
create table t (id int primary key, code text);
-- b
create table t (id int primary key, code text);
create unique index t_code on t (code);
-- expect: dbctl:data-check

-- case: partial unique index
-- a
create table t (id int primary key, code text, active boolean);
-- b
create table t (id int primary key, code text, active boolean);
create unique index t_code_active on t (code) where active;

-- case: change a partial predicate
-- a
create table t (id int primary key, a int, deleted boolean);
create index t_live on t (a) where not deleted;
-- b
create table t (id int primary key, a int, deleted boolean);
create index t_live on t (a) where deleted is not true;

-- case: descending and nulls first
-- a
create table t (id int primary key, at timestamptz);
-- b
create table t (id int primary key, at timestamptz);
create index t_at on t (at desc nulls last);

-- case: include columns
-- a
create table t (id int primary key, a int, b text);
-- b
create table t (id int primary key, a int, b text);
create index t_a_inc on t (a) include (b);

-- case: gin index
-- a
create table t (id int primary key, tags text[]);
-- b
create table t (id int primary key, tags text[]);
create index t_tags on t using gin (tags);

-- case: brin index
-- a
create table t (id int primary key, at timestamptz);
-- b
create table t (id int primary key, at timestamptz);
create index t_at_brin on t using brin (at);

-- case: hash index
-- a
create table t (id int primary key, k text);
-- b
create table t (id int primary key, k text);
create index t_k_hash on t using hash (k);

-- case: index with storage options
-- a
create table t (id int primary key, a int);
create index t_a on t (a);
-- b
create table t (id int primary key, a int);
create index t_a on t (a) with (fillfactor = 50);

-- case: renamed index with the same definition
-- a
create table t (id int primary key, a int);
create index old_name on t (a);
-- b
create table t (id int primary key, a int);
create index new_name on t (a);
-- expect: ALTER INDEX public.old_name RENAME TO new_name

-- case: index becomes unique
-- a
create table t (id int primary key, a int);
create index t_a on t (a);
-- b
create table t (id int primary key, a int);
create unique index t_a on t (a);

-- case: several indexes at once
-- a
create table t (id int primary key, a int, b int, c int);
create index t_a on t (a);
-- b
create table t (id int primary key, a int, b int, c int);
create index t_b on t (b);
create index t_c on t (c);
create index t_bc on t (b, c);

-- case: index on a column whose type changes
-- a
create table t (id int primary key, a int);
create index t_a on t (a);
-- b
create table t (id int primary key, a bigint);
create index t_a on t (a);

-- case: index in another schema
-- a
create schema s;
create table s.t (id int primary key, a int);
-- b
create schema s;
create table s.t (id int primary key, a int);
create index t_a on s.t (a);
-- expect: CONCURRENTLY t_a ON s.t

-- case: collated index
-- a
create table t (id int primary key, s text);
-- b
create table t (id int primary key, s text);
create index t_s on t (s collate "C");

-- case: operator class
-- a
create table t (id int primary key, s text);
-- b
create table t (id int primary key, s text);
create index t_s_pattern on t (s text_pattern_ops);
