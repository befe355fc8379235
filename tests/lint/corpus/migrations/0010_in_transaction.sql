-- migrate:up
-- migrate up refuses it before running anything: dbctl's transaction-block says so (squawk's
-- finding on the same statement, when it has one, is the same news and is left out).
-- +transaction-block -ban-concurrent-index-creation-in-transaction
create index concurrently if not exists small_id_n_idx on small (id, n);

-- +require-concurrent-index-deletion -transaction-block
drop index accounts_email_idx;

-- +require-concurrent-partition-detach
alter table events detach partition events_2024;

-- +require-concurrent-reindex
reindex index accounts_email_key;

-- squawk reports nothing for these; migrate up refuses each, so lint must too.
-- +transaction-block
vacuum small;

-- +transaction-block
drop index concurrently if exists small_id_n_idx;

-- migrate:down
