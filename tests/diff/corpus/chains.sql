-- case: type, table, view, function and trigger created together
-- a
-- b
create type status as enum ('open', 'closed');
create table tickets (id int primary key, status status not null default 'open', updated_at timestamptz);
create function touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$;
create trigger tickets_touch before update on tickets for each row execute function touch();
create view open_tickets as select id from tickets where status = 'open';

-- case: everything dropped together
-- a
create type status as enum ('open', 'closed');
create table tickets (id int primary key, status status not null default 'open', updated_at timestamptz);
create function touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$;
create trigger tickets_touch before update on tickets for each row execute function touch();
create view open_tickets as select id from tickets where status = 'open';
-- b

-- case: a view over a view over a table whose column is retyped
-- a
create table t (id int primary key, n int);
create view v1 as select id, n from t;
create view v2 as select id, n from v1;
create view v3 as select n from v2;
-- b
create table t (id int primary key, n numeric);
create view v1 as select id, n from t;
create view v2 as select id, n from v1;
create view v3 as select n from v2;

-- case: a materialized view over a view over a retyped column
-- a
create table t (id int primary key, n int);
create view v as select id, n from t;
create materialized view m as select n from v;
-- b
create table t (id int primary key, n bigint);
create view v as select id, n from t;
create materialized view m as select n from v;

-- case: a domain used by a table used by a view
-- a
-- b
create domain positive as int check (value > 0);
create table t (id int primary key, n positive);
create view v as select n from t;

-- case: a function returning a table's row type
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
create function first_t() returns t language sql as $$ select * from t limit 1 $$;

-- case: a new table with a foreign key to a new table and an index
-- a
create table a (id int primary key);
-- b
create table a (id int primary key);
create table b (id int primary key, a_id int not null references a (id));
create index b_a_id on b (a_id);
create table c (id int primary key, b_id int references b (id));

-- case: retyped column referenced by a foreign key on both ends
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));
-- b
create table p (id bigint primary key);
create table c (id int primary key, p_id bigint references p (id));

-- case: enum recreated with a view and a default
-- a
create type lvl as enum ('low', 'mid', 'high');
create table t (id int primary key, l lvl not null default 'low');
create view v as select id, l from t;
-- b
create type lvl as enum ('low', 'high');
create table t (id int primary key, l lvl not null default 'low');
create view v as select id, l from t;

-- case: a schema with a table referenced from public
-- a
-- b
create schema ref;
create table ref.countries (code text primary key);
create table addresses (id int primary key, country text references ref.countries (code));

-- case: sequence owned by a column of a new table
-- a
-- b
create table t (id int primary key, n int);
create sequence t_n_seq owned by t.n;
alter table t alter column n set default nextval('t_n_seq');

-- case: a trigger function recreated for a new return type
-- a
create table t (id int primary key);
create function f() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_f before insert on t for each row execute function f();
-- b
create table t (id int primary key);
create function f() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_f before insert on t for each row execute function f();
create function g() returns int language sql as $$ select 1 $$;

-- case: a policy on a table whose column is dropped
-- a
create table t (id int primary key, owner text, extra int);
create policy own on t using (owner = current_user);
-- b
create table t (id int primary key, owner text);
create policy own on t using (owner = current_user);

-- case: a view keeps its grants when recreated
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key, n int);
create view v as select id, n from t;
grant select on v to dbctl_diff_reader;
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key, n bigint);
create view v as select id, n from t;
grant select on v to dbctl_diff_reader;

-- case: a table and a function returning its rows dropped together
-- a
create table t (id int primary key);
create function all_t() returns setof t language plpgsql as $$ begin return query select * from t; end $$;
-- b

-- case: a table and a function returning its rows created together
-- a
-- b
create table t (id int primary key);
create function all_t() returns setof t language plpgsql as $$ begin return query select * from t; end $$;
