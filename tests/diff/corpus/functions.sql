-- case: create a function
-- a
-- b
create function add(a int, b int) returns int language sql immutable as $$ select a + b $$;

-- case: drop a function
-- a
create function add(a int, b int) returns int language sql immutable as $$ select a + b $$;
-- b

-- case: replace a function body
-- a
create function f() returns int language sql as $$ select 1 $$;
-- b
create function f() returns int language sql as $$ select 2 $$;
-- expect: CREATE OR REPLACE FUNCTION public.f()

-- case: change a return type drops first
-- a
create function f() returns int language sql as $$ select 1 $$;
-- b
create function f() returns bigint language sql as $$ select 1::bigint $$;
-- expect: DROP FUNCTION public.f()

-- case: an overload is another function
-- a
create function f(a int) returns int language sql as $$ select a $$;
-- b
create function f(a int) returns int language sql as $$ select a $$;
create function f(a text) returns text language sql as $$ select a $$;

-- case: plpgsql function
-- a
-- b
create function bump() returns int language plpgsql as $$ begin return 1; end $$;

-- case: function volatility and security
-- a
create function f() returns int language sql as $$ select 1 $$;
-- b
create function f() returns int language sql stable security definer as $$ select 1 $$;

-- case: create a procedure
-- a
create table t (id int);
-- b
create table t (id int);
create procedure ins(x int) language sql as $$ insert into t values (x) $$;

-- case: drop a procedure
-- a
create procedure p() language plpgsql as $$ begin null; end $$;
-- b

-- case: change a procedure body
-- a
create procedure p() language plpgsql as $$ begin null; end $$;
-- b
create procedure p() language plpgsql as $$ begin perform 1; end $$;

-- case: sql function reading a new table
-- a
-- b
create table t (id int primary key);
create function n() returns bigint language sql as $$ select count(*) from t $$;

-- case: sql-standard body
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
create function n() returns bigint language sql begin atomic select count(*) from t; end;

-- case: function used by a column default
-- a
create table t (id int primary key);
-- b
create function next_code() returns text language sql as $$ select 'c' $$;
create table t (id int primary key, code text default next_code());

-- case: function used by a check
-- a
create table t (id int primary key, n int);
-- b
create function is_even(x int) returns boolean language sql immutable as $$ select x % 2 = 0 $$;
create table t (id int primary key, n int check (is_even(n)));

-- case: function comment
-- a
create function f() returns int language sql as $$ select 1 $$;
-- b
create function f() returns int language sql as $$ select 1 $$;
comment on function f() is 'one';

-- case: revoke execute from public
-- a
create function f() returns int language sql as $$ select 1 $$;
-- b
create function f() returns int language sql as $$ select 1 $$;
revoke execute on function f() from public;
-- expect: REVOKE EXECUTE ON FUNCTION public.f() FROM PUBLIC

-- case: function in another schema
-- a
create schema util;
-- b
create schema util;
create function util.one() returns int language sql as $$ select 1 $$;

-- case: function with defaults and out params
-- a
-- b
create function split(s text, sep text default ',', out head text, out tail text) language sql as $$ select split_part(s, sep, 1), split_part(s, sep, 2) $$;

-- case: set-returning function
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
create function ids() returns setof int language sql stable as $$ select id from t $$;

-- case: function with a search_path setting
-- a
-- b
create function f() returns int language sql set search_path = pg_catalog as $$ select 1 $$;

-- case: trigger function and trigger
-- a
create table t (id int primary key, updated_at timestamptz);
-- b
create table t (id int primary key, updated_at timestamptz);
create function touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- expect: CREATE TRIGGER t_touch

-- case: drop a trigger
-- a
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- b
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;

-- case: drop a trigger and its function
-- a
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- b
create table t (id int primary key);

-- case: change a trigger's timing
-- a
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- b
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before insert or update on t for each row execute function touch();

-- case: disable a trigger
-- a
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- b
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
alter table t disable trigger t_touch;
-- expect: DISABLE TRIGGER t_touch

-- case: trigger with a when clause
-- a
create table t (id int primary key, n int);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
-- b
create table t (id int primary key, n int);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row when (old.n is distinct from new.n) execute function touch();

-- case: statement trigger with a transition table
-- a
create table t (id int primary key);
create function audit() returns trigger language plpgsql as $$ begin return null; end $$;
-- b
create table t (id int primary key);
create function audit() returns trigger language plpgsql as $$ begin return null; end $$;
create trigger t_audit after insert on t referencing new table as inserted for each statement execute function audit();

-- case: trigger on update of a column
-- a
create table t (id int primary key, n int);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
-- b
create table t (id int primary key, n int);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update of n on t for each row execute function touch();

-- case: trigger comment
-- a
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- b
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
comment on trigger t_touch on t is 'keeps updated_at';

-- case: trigger on a new table with a new function
-- a
-- b
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create table t (id int primary key);
create trigger t_touch before update on t for each row execute function touch();

-- case: trigger function replaced in place keeps the trigger
-- a
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- b
create table t (id int primary key);
create function touch() returns trigger language plpgsql as $$ begin raise notice 'x'; return new; end $$;
create trigger t_touch before update on t for each row execute function touch();
-- expect: CREATE OR REPLACE FUNCTION public.touch()

-- case: constraint trigger
-- a
create table t (id int primary key);
create function chk() returns trigger language plpgsql as $$ begin return null; end $$;
-- b
create table t (id int primary key);
create function chk() returns trigger language plpgsql as $$ begin return null; end $$;
create constraint trigger t_chk after insert on t deferrable initially deferred for each row execute function chk();

-- case: create an aggregate
-- a
-- b
create function _concat(a text, b text) returns text language sql immutable as $$ select coalesce(a || ', ', '') || b $$;
create aggregate concat_all(text) (sfunc = _concat, stype = text);

-- case: drop an aggregate
-- a
create function _concat(a text, b text) returns text language sql immutable as $$ select coalesce(a || ', ', '') || b $$;
create aggregate concat_all(text) (sfunc = _concat, stype = text);
-- b
create function _concat(a text, b text) returns text language sql immutable as $$ select coalesce(a || ', ', '') || b $$;

-- case: change an aggregate's initial value
-- a
create function _sum(a int, b int) returns int language sql immutable as $$ select a + b $$;
create aggregate total(int) (sfunc = _sum, stype = int, initcond = '0');
-- b
create function _sum(a int, b int) returns int language sql immutable as $$ select a + b $$;
create aggregate total(int) (sfunc = _sum, stype = int, initcond = '10');

-- case: a view over an aggregate
-- a
create table t (id int primary key, s text);
-- b
create function _concat(a text, b text) returns text language sql immutable as $$ select coalesce(a || ', ', '') || b $$;
create aggregate concat_all(text) (sfunc = _concat, stype = text);
create table t (id int primary key, s text);
create view v as select concat_all(s) as all_s from t;
