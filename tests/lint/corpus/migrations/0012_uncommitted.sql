-- migrate:up transaction:false
-- +ban-uncommitted-transaction
begin;

create table uncommitted (id bigint primary key);
