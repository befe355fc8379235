-- migrate:up
-- +ban-drop-column
alter table accounts drop column legacy;

-- +ban-drop-table -ban-drop-database
drop table audit_log;

-- +ban-drop-not-null
alter table accounts alter column name drop not null;

-- +renaming-table
alter table orders rename to purchases;

-- +ban-truncate-cascade
truncate small cascade;

-- -ban-truncate-cascade
truncate small;

-- +ban-drop-database
drop database if exists scratch_db;

-- +ban-duplicate-column-assignments
update accounts set name = 'a', name = 'b' where id = 1;

-- -ban-duplicate-column-assignments
update accounts set name = 'a' where id = 1;

-- +identifier-too-long
create table an_identifier_that_is_far_longer_than_the_sixty_three_bytes_postgres_keeps (id bigint primary key);

-- -identifier-too-long
create table a_short_name (id bigint primary key);

-- +require-enum-value-ordering
alter type mood add value 'meh';

-- -require-enum-value-ordering
alter type mood add value 'fine' after 'ok';

-- +ban-alter-domain-with-add-constraint
alter domain positive_id add constraint positive_id_check check (value > 0);

-- -ban-alter-domain-with-add-constraint
alter domain positive_id set default 1;

-- +ban-create-domain-with-constraint
create domain percent as bigint check (value between 0 and 100);

-- -ban-create-domain-with-constraint
create domain quantity as bigint;

-- migrate:down
-- -renaming-table -ban-drop-not-null -ban-drop-table
alter table purchases rename to orders;
