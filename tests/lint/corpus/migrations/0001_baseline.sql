-- migrate:up
create table accounts (
  id bigint primary key,
  email text,
  name text not null,
  legacy text,
  nickname text
);
create index accounts_email_idx on accounts (email);
create index accounts_name_idx on accounts (name);
create unique index accounts_email_key on accounts (email);
insert into accounts (id, email, name) select g, 'a' || g || '@example.com', 'n' || g from generate_series(1, 10) g;

create table orders (id bigint primary key, account_id bigint);

create table big (id bigint primary key, n integer, note text);
insert into big (id, n, note) select g, g, 'row ' || g from generate_series(1, 2000) g;

create table small (id bigint primary key, n integer);
insert into small (id, n) select g, g from generate_series(1, 10) g;

create table audit_log (id bigint);

create table events (at date not null) partition by range (at);
create table events_2023 partition of events for values from ('2023-01-01') to ('2024-01-01');
create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01');

create type mood as enum ('sad', 'ok', 'happy');
create domain positive_id as bigint;

-- reltuples is -1 until a table is analyzed: the sizes dbctl reads are then exact.
analyze;

-- migrate:down
drop table accounts, orders, big, small, audit_log, events;
drop type mood;
drop domain positive_id;
