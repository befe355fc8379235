-- migrate:up transaction:false
-- -ban-uncommitted-transaction -transaction-nesting
begin;

create table committed (id bigint primary key);

-- -ban-uncommitted-transaction -transaction-nesting
commit;
