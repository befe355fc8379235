-- migrate:up
-- events is partitioned: its partitions' heaps both start at ctid (0,1), so a row of it is told
-- apart only by (tableoid, ctid). users references nothing; notes references events.
create table users (id int primary key, name text not null);
create table events (id int not null, region text not null, user_id int not null references users (id), primary key (id, region)) partition by list (region);
create table events_eu partition of events for values in ('eu');
create table events_us partition of events for values in ('us');
create table notes (id int primary key, event_id int not null, region text not null, foreign key (event_id, region) references events (id, region));
-- ledger_old inherits from ledger: a scan of ledger returns ledger_old's rows too (at the same
-- ctids), which are ledger_old's to copy, not ledger's. Nothing reaches ledger_old.
create table ledger (id int primary key, user_id int not null references users (id));
create table ledger_old () inherits (ledger);

-- migrate:down
drop table ledger_old, ledger, notes, events, users;
