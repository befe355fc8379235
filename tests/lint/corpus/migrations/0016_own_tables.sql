-- migrate:up
-- A table this section creates has no rows and no users yet: squawk's lock rules are moot on it.
create table fresh (id bigint, a bigint, c bigint, r bigint);

-- -adding-serial-primary-key-field
alter table fresh add primary key (id);

-- -adding-required-field
alter table fresh add column q text not null;

-- -changing-column-type
alter table fresh alter column c type numeric;

-- -require-concurrent-index-creation
create index fresh_a_idx on fresh (a);

-- Still reported: the same on a table that was there before.
-- +adding-serial-primary-key-field
alter table audit_log add primary key (id);

-- +adding-required-field
alter table small add column q text not null;

-- migrate:down
-- The index goes with its table a statement later (its table known from this file's up).
-- -require-concurrent-index-deletion
drop index fresh_a_idx;

-- Still reported: the index of a table that stays.
-- +require-concurrent-index-deletion
drop index accounts_name_idx;

drop table fresh;
