-- case: create an enum
-- a
-- b
create type mood as enum ('sad', 'ok', 'happy');

-- case: drop an enum
-- a
create type mood as enum ('sad', 'ok', 'happy');
-- b

-- case: add a value at the end
-- a
create type mood as enum ('sad', 'ok');
-- b
create type mood as enum ('sad', 'ok', 'happy');
-- expect: ADD VALUE 'happy'

-- case: add a value at the start
-- a
create type mood as enum ('ok', 'happy');
-- b
create type mood as enum ('sad', 'ok', 'happy');
-- expect: ADD VALUE 'sad' BEFORE 'ok'

-- case: add a value in the middle
-- a
create type mood as enum ('sad', 'happy');
-- b
create type mood as enum ('sad', 'ok', 'happy');
-- expect: BEFORE 'happy'

-- case: add several values
-- a
create type mood as enum ('b');
-- b
create type mood as enum ('a', 'b', 'c', 'd');

-- case: remove a value recreates the type
-- a
create type mood as enum ('sad', 'ok', 'happy');
create table t (id int primary key, m mood);
-- b
create type mood as enum ('sad', 'happy');
create table t (id int primary key, m mood);
-- expect: RENAME TO mood__dbctl_old

-- case: reorder values recreates the type
-- a
create type mood as enum ('sad', 'ok', 'happy');
-- b
create type mood as enum ('happy', 'ok', 'sad');

-- case: recreate with a default and an array column
-- a
create type mood as enum ('sad', 'ok', 'happy');
create table t (id int primary key, m mood not null default 'ok', ms mood[]);
-- b
create type mood as enum ('ok', 'happy');
create table t (id int primary key, m mood not null default 'ok', ms mood[]);

-- case: a column changes to an enum
-- a
create type mood as enum ('sad', 'happy');
create table t (id int primary key, m text);
-- b
create type mood as enum ('sad', 'happy');
create table t (id int primary key, m mood);
-- expect: USING m::public.mood

-- case: a new enum and a column of it
-- a
create table t (id int primary key);
-- b
create type status as enum ('new', 'done');
create table t (id int primary key, s status not null default 'new');

-- case: enum in another schema
-- a
create schema s;
-- b
create schema s;
create type s.kind as enum ('x', 'y');

-- case: enum comment
-- a
create type mood as enum ('sad');
-- b
create type mood as enum ('sad');
comment on type mood is 'how it feels';

-- case: drop an enum and its column
-- a
create type mood as enum ('sad');
create table t (id int primary key, m mood);
-- b
create table t (id int primary key);

-- case: enum label with a quote
-- a
create type q as enum ('a');
-- b
create type q as enum ('a', 'it''s');
