-- case: grant select on a table
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key);
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant select on t to dbctl_diff_reader;
-- expect: GRANT SELECT ON TABLE public.t TO dbctl_diff_reader

-- case: revoke a privilege
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant select, insert on t to dbctl_diff_reader;
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant select on t to dbctl_diff_reader;
-- expect: REVOKE INSERT

-- case: grant to public
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
grant select on t to public;

-- case: grant with grant option
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key);
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant select on t to dbctl_diff_reader with grant option;

-- case: column grant
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key, secret text);
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create table t (id int primary key, secret text);
grant select (id) on t to dbctl_diff_reader;

-- case: schema usage
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create schema s;
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create schema s;
grant usage on schema s to dbctl_diff_reader;

-- case: sequence usage
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create sequence q;
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create sequence q;
grant usage, select on sequence q to dbctl_diff_reader;

-- case: function execute to a role only
-- a
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create function f() returns int language sql as $$ select 1 $$;
-- b
do $$ begin create role dbctl_diff_reader; exception when duplicate_object then null; end $$;
create function f() returns int language sql as $$ select 1 $$;
revoke execute on function f() from public;
grant execute on function f() to dbctl_diff_reader;

-- case: grants on a new table
-- a
do $$ begin create role dbctl_diff_writer; exception when duplicate_object then null; end $$;
-- b
do $$ begin create role dbctl_diff_writer; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant select, insert, update on t to dbctl_diff_writer;

-- case: a grant to a role the plan creates
-- a
create table t (id int primary key);
-- b
do $$ begin create role dbctl_diff_fresh_role; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant select on t to dbctl_diff_fresh_role;
-- expect: CREATE ROLE dbctl_diff_fresh_role

-- case: all privileges
-- a
do $$ begin create role dbctl_diff_admin; exception when duplicate_object then null; end $$;
create table t (id int primary key);
-- b
do $$ begin create role dbctl_diff_admin; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant all on t to dbctl_diff_admin;

-- case: revoke everything
-- a
do $$ begin create role dbctl_diff_admin; exception when duplicate_object then null; end $$;
create table t (id int primary key);
grant all on t to dbctl_diff_admin;
-- b
do $$ begin create role dbctl_diff_admin; exception when duplicate_object then null; end $$;
create table t (id int primary key);
