-- migrate:up
-- +adding-field-with-default +large-table-rewrite
alter table big add column token uuid default gen_random_uuid();

-- A stable default is stored once in the catalog: no rewrite, only the brief lock.
-- -adding-field-with-default -large-table-rewrite +large-table-lock
alter table big add column created_at timestamptz default now();

-- +large-table-lock -large-table-rewrite
alter table big add column note2 text;

-- dbctl itself sets lock_timeout on every statement, so squawk's timeout rules are off.
-- -large-table-lock -require-lock-timeout -require-statement-timeout
alter table small add column note2 text;

-- +adding-foreign-key-constraint +constraint-missing-not-valid
alter table orders add constraint orders_account_fk foreign key (account_id) references accounts (id);

-- -adding-foreign-key-constraint -constraint-missing-not-valid
alter table orders add constraint orders_account_fk2 foreign key (account_id) references accounts (id) not valid;

-- +adding-not-nullable-field
alter table accounts alter column email set not null;

-- +large-table-rewrite
alter table big alter column note set not null;

-- -adding-not-nullable-field -adding-required-field
alter table accounts add column nickname2 text;

-- +adding-required-field
alter table accounts add column plan text not null;

-- -adding-required-field
alter table accounts add column tier text not null default 'free';

-- +adding-serial-primary-key-field
alter table audit_log add column seq bigserial primary key;

-- -adding-serial-primary-key-field -disallowed-unique-constraint
alter table accounts add constraint accounts_email_unique unique using index accounts_email_key;

-- +disallowed-unique-constraint
alter table orders add constraint orders_account_unique unique (account_id);

-- +changing-column-type
alter table accounts alter column nickname type varchar(40);

-- -changing-column-type
alter table accounts alter column nickname set default 'anon';

-- +constraint-missing-not-valid +large-table-rewrite
alter table big add constraint big_n_positive check (n > 0);

-- -constraint-missing-not-valid -large-table-rewrite
alter table big add constraint big_n_small check (n < 1000000) not valid;

-- +require-concurrent-index-creation
create index small_n_idx on small (n);

-- -require-concurrent-index-creation
create table scratch (id bigint primary key, n bigint);

-- -require-concurrent-index-creation
create index scratch_n_idx on scratch (n);

-- dbctl-lint-ignore large-table-lock -- a rename is a catalog change; nothing reads big.note2 yet
-- +renaming-column -large-table-lock
alter table big rename column note2 to remark;

-- migrate:down
-- A down undoes its up: the rules about breaking clients (drops, renames) judge the up only.
-- -renaming-column -ban-drop-column -ban-drop-table
alter table big rename column remark to note2;

-- -ban-drop-column
alter table big drop column token, drop column created_at, drop column note2, drop constraint big_n_positive, drop constraint big_n_small, alter column note drop not null;

-- -ban-drop-table
drop table scratch;
