-- migrate:up transaction:false
-- Outside a transaction squawk judges every statement alone; the table is still new.
create table if not exists fresh_out (id bigint, a bigint, email text, p bigint);

-- -require-concurrent-index-creation
create index if not exists fresh_out_a_idx on fresh_out (a);

-- -constraint-missing-not-valid -disallowed-unique-constraint
alter table fresh_out add constraint fresh_out_email_key unique (email);

-- -adding-foreign-key-constraint -constraint-missing-not-valid
alter table fresh_out add constraint fresh_out_p_fk foreign key (p) references accounts (id);

-- -renaming-table
alter table fresh_out rename to fresh_renamed;

-- Renamed, it is still the table this section made.
-- -require-concurrent-index-creation
create index if not exists fresh_renamed_p_idx on fresh_renamed (p);

-- Still reported: an index on a table that was there before.
-- +require-concurrent-index-creation
create index if not exists small_id_idx on small (id);

-- +disallowed-unique-constraint
alter table orders add constraint orders_account_key unique (account_id);

-- migrate:down transaction:false
drop table if exists fresh_renamed;
drop index concurrently if exists small_id_idx;
