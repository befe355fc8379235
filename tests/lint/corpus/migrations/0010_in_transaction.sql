-- migrate:up
-- +ban-concurrent-index-creation-in-transaction
create index concurrently if not exists small_id_n_idx on small (id, n);

-- +require-concurrent-index-deletion
drop index accounts_email_idx;

-- +require-concurrent-partition-detach
alter table events detach partition events_2024;

-- +require-concurrent-reindex
reindex index accounts_email_key;

-- migrate:down
