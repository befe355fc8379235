-- case: create a view
-- a
create table t (id int primary key, name text);
-- b
create table t (id int primary key, name text);
create view v as select id, name from t;

-- case: drop a view
-- a
create table t (id int primary key, name text);
create view v as select id, name from t;
-- b
create table t (id int primary key, name text);

-- case: change a view's query
-- a
create table t (id int primary key, name text);
create view v as select id from t;
-- b
create table t (id int primary key, name text);
create view v as select id, name from t;

-- case: a view over a column whose type changes is recreated
-- a
create table t (id int primary key, n int);
create view v as select id, n from t;
-- b
create table t (id int primary key, n bigint);
create view v as select id, n from t;
-- expect: DROP VIEW public.v

-- case: a chain of views over a changed column
-- a
create table t (id int primary key, n int);
create view v1 as select id, n from t;
create view v2 as select n from v1;
-- b
create table t (id int primary key, n bigint);
create view v1 as select id, n from t;
create view v2 as select n from v1;

-- case: a view over a dropped column
-- a
create table t (id int primary key, n int, m int);
create view v as select id, n from t;
-- b
create table t (id int primary key, n int);
create view v as select id, n from t;

-- case: a view over a view that changes
-- a
create table t (id int primary key, n int);
create view v1 as select id, n from t;
create view v2 as select id from v1;
-- b
create table t (id int primary key, n int);
create view v1 as select id, n, n * 2 as m from t;
create view v2 as select id from v1;

-- case: view options
-- a
create table t (id int primary key);
create view v as select id from t;
-- b
create table t (id int primary key);
create view v with (security_invoker = true) as select id from t;

-- case: view with a join
-- a
create table a (id int primary key);
create table b (id int primary key, a_id int references a (id));
-- b
create table a (id int primary key);
create table b (id int primary key, a_id int references a (id));
create view ab as select a.id as a, b.id as b from a join b on b.a_id = a.id;

-- case: create a materialized view
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int);
create materialized view m as select n, count(*) from t group by n;

-- case: drop a materialized view
-- a
create table t (id int primary key, n int);
create materialized view m as select n from t;
-- b
create table t (id int primary key, n int);

-- case: change a materialized view
-- a
create table t (id int primary key, n int);
create materialized view m as select n from t;
-- b
create table t (id int primary key, n int);
create materialized view m as select n, id from t;

-- case: materialized view index
-- a
create table t (id int primary key, n int);
create materialized view m as select id, n from t;
-- b
create table t (id int primary key, n int);
create materialized view m as select id, n from t;
create unique index m_id on m (id);
-- expect: CREATE UNIQUE INDEX CONCURRENTLY m_id

-- case: materialized view recreated keeps its index
-- a
create table t (id int primary key, n int);
create materialized view m as select id, n from t;
create unique index m_id on m (id);
-- b
create table t (id int primary key, n bigint);
create materialized view m as select id, n from t;
create unique index m_id on m (id);

-- case: view comment and column comment
-- a
create table t (id int primary key);
create view v as select id from t;
-- b
create table t (id int primary key);
create view v as select id from t;
comment on view v is 'a view';
comment on column v.id is 'the id';

-- case: recreated view gets its comment back
-- a
create table t (id int primary key, n int);
create view v as select id, n from t;
comment on view v is 'kept';
-- b
create table t (id int primary key, n bigint);
create view v as select id, n from t;
comment on view v is 'kept';

-- case: view in another schema over public
-- a
create schema r;
create table t (id int primary key);
-- b
create schema r;
create table t (id int primary key);
create view r.v as select id from public.t;

-- case: a view over a function
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int);
create function double(x int) returns int language sql immutable as $$ select x * 2 $$;
create view v as select id, double(n) as d from t;

-- case: a view over a dropped table goes too
-- a
create table t (id int primary key);
create view v as select id from t;
-- b

-- case: a view over an enum column that is recreated
-- a
create type mood as enum ('a', 'b', 'c');
create table t (id int primary key, m mood);
create view v as select id, m from t;
-- b
create type mood as enum ('a', 'c');
create table t (id int primary key, m mood);
create view v as select id, m from t;

-- case: a recursive view
-- a
create table t (id int primary key, parent int);
-- b
create table t (id int primary key, parent int);
create recursive view tree (id, depth) as select id, 0 from t where parent is null union all select t.id, tree.depth + 1 from t join tree on t.parent = tree.id;

-- case: view grants
-- a
create table t (id int primary key);
create view v as select id from t;
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
-- b
create table t (id int primary key);
create view v as select id from t;
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
grant select on v to dbctl_diff_reader;
