-- migrate:up
-- +transaction-block -transaction-nesting
begin;

-- -transaction-nesting -transaction-block
create table nested (id bigint primary key);

-- +transaction-block -transaction-nesting
commit;
