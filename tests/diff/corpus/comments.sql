-- case: comment on a table
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
comment on table t is 'things';
-- expect: COMMENT ON TABLE public.t IS 'things'

-- case: remove a comment
-- a
create table t (id int primary key);
comment on table t is 'things';
-- b
create table t (id int primary key);
-- expect: IS NULL

-- case: change a comment
-- a
create table t (id int primary key);
comment on table t is 'old';
-- b
create table t (id int primary key);
comment on table t is 'new';

-- case: comment with a quote
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
comment on table t is 'it''s';

-- case: column comment
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int);
comment on column t.n is 'a number';

-- case: constraint comment
-- a
create table t (id int primary key, n int check (n > 0));
-- b
create table t (id int primary key, n int check (n > 0));
comment on constraint t_n_check on t is 'positive';

-- case: index comment
-- a
create table t (id int primary key, n int);
create index t_n on t (n);
-- b
create table t (id int primary key, n int);
create index t_n on t (n);
comment on index t_n is 'by n';

-- case: a changed index keeps its comment
-- a
create table t (id int primary key, n int, m int);
create index t_n on t (n);
comment on index t_n is 'by n';
-- b
create table t (id int primary key, n int, m int);
create index t_n on t (n, m);
comment on index t_n is 'by n';

-- case: schema comment
-- a
create schema s;
-- b
create schema s;
comment on schema s is 'a schema';

-- case: comments on a new table
-- a
-- b
create table t (id int primary key, n int);
comment on table t is 'new';
comment on column t.n is 'n';

-- case: a changed constraint keeps its comment
-- a
create table t (id int primary key, n int constraint t_n check (n > 0));
comment on constraint t_n on t is 'positive';
-- b
create table t (id int primary key, n int constraint t_n check (n > 1));
comment on constraint t_n on t is 'positive';

-- case: procedure comment
-- a
create procedure p() language plpgsql as $$ begin null; end $$;
-- b
create procedure p() language plpgsql as $$ begin null; end $$;
comment on procedure p() is 'does nothing';

-- case: materialized view comment
-- a
create table t (id int primary key);
create materialized view m as select id from t;
-- b
create table t (id int primary key);
create materialized view m as select id from t;
comment on materialized view m is 'cached';
