-- migrate:up
-- Nothing references people or lonely: only their start predicates pick their rows.
create table org (id int primary key, name text not null);
create table people (id bigint primary key, org_id int not null references org (id), name text not null);
create table lonely (id int primary key, n int not null);
-- invoice references account: the closure adds accounts beyond account's own predicate (a start
-- invoice's account), and invoices beyond invoice's (an account's children).
create table account (id int primary key, name text not null);
create table invoice (id int primary key, account_id int not null references account (id), total int not null);

-- migrate:down
drop table invoice, account, lonely, people, org;
