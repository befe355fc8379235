-- migrate:up transaction:false
-- Outside dbctl's transaction, squawk's own rules judge a BEGIN the section writes itself.
-- +transaction-nesting -transaction-block
begin;
begin;

-- +ban-concurrent-index-creation-in-transaction -transaction-block
create index concurrently if not exists small_n_idx on small (n);

commit;
