-- migrate:up transaction:false
-- +prefer-robust-stmts
create index concurrently big_remark_idx on big (remark);

-- -prefer-robust-stmts -ban-concurrent-index-creation-in-transaction -require-concurrent-index-creation
create index concurrently if not exists big_id_n_idx on big (id, n);

-- -require-concurrent-index-deletion
drop index concurrently if exists accounts_name_idx;

-- -require-concurrent-partition-detach
alter table events detach partition events_2023 concurrently;

-- -require-concurrent-reindex
reindex index concurrently accounts_email_idx;

-- migrate:down transaction:false
drop index concurrently if exists big_id_n_idx;
drop index concurrently if exists big_remark_idx;
