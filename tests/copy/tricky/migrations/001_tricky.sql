-- migrate:up
create table tricky (
  id int primary key,
  at timestamptz,
  day date,
  span interval,
  f8 double precision,
  f4 real,
  n numeric,
  n2 numeric(12, 2),
  ints int[],
  texts text[],
  j json,
  jb jsonb,
  b bytea,
  t text,
  v varchar(40),
  c char(6),
  ip inet,
  u uuid,
  ok boolean,
  r int4range
);
-- Masked: an email into varchar(n), an ip into inet, a hash into uuid (all read back as written);
-- a constant into jsonb and into char(n) (both rewrite it: hashed on the server).
create table person (id int primary key, email varchar(80) not null, ip inet, token uuid);
create table prefs (id int primary key, person_id int not null references person (id), prefs jsonb, nick char(8));
create table computed (id int primary key, a int not null, doubled int generated always as (a * 2) stored);
create table seeded (id int not null, label text not null);
insert into seeded values (1, 'from a migration');
create table parted (id int not null, region text not null) partition by list (region);
create table parted_eu partition of parted for values in ('eu');
create table parted_us partition of parted for values in ('us');
create table untouched (id int primary key);
-- migrate:down
select 1;
