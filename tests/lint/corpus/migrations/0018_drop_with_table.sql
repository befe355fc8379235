-- migrate:up
-- The index's table (accounts, from the live database) is dropped a statement later.
-- -require-concurrent-index-deletion
drop index accounts_email_idx;

drop table accounts cascade;
