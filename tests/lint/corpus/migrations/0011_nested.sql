-- migrate:up
-- +transaction-nesting
begin;

-- -transaction-nesting
create table nested (id bigint primary key);

-- +transaction-nesting
commit;
