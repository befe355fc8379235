-- case: create a schema
-- a
-- b
create schema app;

-- case: drop a schema
-- a
create schema app;
-- b

-- case: create a schema with objects
-- a
-- b
create schema app;
create type app.kind as enum ('a');
create table app.t (id int primary key, k app.kind);
create view app.v as select id from app.t;

-- case: drop a schema with objects
-- a
create schema app;
create table app.t (id int primary key);
create function app.f() returns int language sql as $$ select 1 $$;
-- b

-- case: move nothing between schemas, add to both
-- a
create schema a1;
create schema a2;
-- b
create schema a1;
create schema a2;
create table a1.t (id int primary key);
create table a2.t (id int primary key, a1 int references a1.t (id));

-- case: quoted schema name
-- a
-- b
create schema "My Schema";
create table "My Schema"."My Table" (id int primary key);

-- case: schema with a keyword name
-- a
-- b
create schema "order";
create table "order"."select" (id int primary key);
