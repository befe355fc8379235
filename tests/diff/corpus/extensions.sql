-- case: create an extension
-- a
-- b
create extension if not exists citext;
-- expect: CREATE EXTENSION IF NOT EXISTS citext

-- case: drop an extension
-- a
create extension if not exists citext;
-- b

-- case: a column of an extension's type
-- a
create extension if not exists citext;
create table t (id int primary key);
-- b
create extension if not exists citext;
create table t (id int primary key, email public.citext);

-- case: a new extension and a column of its type
-- a
create table t (id int primary key);
-- b
create extension if not exists citext;
create table t (id int primary key, email public.citext);

-- case: extension in another schema
-- a
create schema ext;
-- b
create schema ext;
create extension if not exists hstore with schema ext;

-- case: an extension's index operator class
-- a
create extension if not exists pg_trgm;
create table t (id int primary key, s text);
-- b
create extension if not exists pg_trgm;
create table t (id int primary key, s text);
create index t_s_trgm on t using gin (s public.gin_trgm_ops);

-- case: uuid default from pgcrypto
-- a
create table t (id int primary key);
-- b
create extension if not exists pgcrypto;
create table t (id int primary key, token uuid default gen_random_uuid());
