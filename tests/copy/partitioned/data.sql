insert into users select g, 'user ' || g from generate_series(1, 4) g;
-- One row at a time, in this order: each partition's rows at ctids (0,1), (0,2), (0,3), (0,4).
insert into events values (1, 'eu', 1);
insert into events values (2, 'eu', 2);
insert into events values (3, 'eu', 3);
insert into events values (4, 'eu', 4);
insert into events values (101, 'us', 1);
insert into events values (102, 'us', 4);
insert into events values (103, 'us', 2);
insert into events values (104, 'us', 4);
insert into ledger values (1, 1), (2, 2);
insert into ledger_old values (11, 1), (12, 3);
insert into notes values (1, 3, 'eu'), (2, 104, 'us'), (3, 4, 'eu'), (4, 101, 'us');
