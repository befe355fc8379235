-- case: create a domain
-- a
-- b
create domain posint as integer check (value > 0);

-- case: drop a domain
-- a
create domain posint as integer check (value > 0);
-- b

-- case: domain default
-- a
create domain d as text;
-- b
create domain d as text default 'x';
-- expect: ALTER DOMAIN public.d SET DEFAULT

-- case: domain not null
-- a
create domain d as text;
-- b
create domain d as text not null;

-- case: domain check added
-- a
create domain d as integer;
-- b
create domain d as integer constraint d_positive check (value > 0);

-- case: domain check changed
-- a
create domain d as integer constraint d_check check (value > 0);
-- b
create domain d as integer constraint d_check check (value >= 0);

-- case: domain check dropped
-- a
create domain d as integer constraint d_check check (value > 0);
-- b
create domain d as integer;

-- case: domain base type change cannot be planned
-- a
create domain d as integer;
-- b
create domain d as bigint;
-- error: diff_unplannable

-- case: a table column of a domain
-- a
create domain email as text check (value like '%@%');
create table t (id int primary key);
-- b
create domain email as text check (value like '%@%');
create table t (id int primary key, e email);

-- case: domain with a collation
-- a
-- b
create domain d as text collate "C";

-- case: domain comment
-- a
create domain d as integer;
-- b
create domain d as integer;
comment on domain d is 'a number';

-- case: create a composite type
-- a
-- b
create type pair as (a int, b text);

-- case: drop a composite type
-- a
create type pair as (a int, b text);
-- b

-- case: add an attribute
-- a
create type pair as (a int);
-- b
create type pair as (a int, b text);
-- expect: ADD ATTRIBUTE b text

-- case: drop an attribute
-- a
create type pair as (a int, b text);
-- b
create type pair as (a int);

-- case: retype an attribute
-- a
create type pair as (a int, b text);
-- b
create type pair as (a bigint, b text);

-- case: reorder attributes cannot be planned
-- a
create type pair as (a int, b text);
-- b
create type pair as (b text, a int);
-- error: diff_unplannable

-- case: a composite type used by a function
-- a
-- b
create type pair as (a int, b text);
create function make_pair(x int) returns pair language sql as $$ select x, 'x'::text $$;

-- case: composite type comment
-- a
create type pair as (a int);
-- b
create type pair as (a int);
comment on type pair is 'two things';

-- case: a domain over an enum
-- a
-- b
create type color as enum ('red', 'blue');
create domain primary_color as color check (value <> 'blue');

-- case: composite in another schema
-- a
create schema s;
-- b
create schema s;
create type s.point3 as (x float8, y float8, z float8);
