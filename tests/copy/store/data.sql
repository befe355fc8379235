begin;
insert into store values (1, 'North', 1), (2, 'South', 3), (3, 'East', 5);
insert into staff values (1, 'Ann Boss', 'ann@corp.test', 1, null), (2, 'Ben Clerk', 'ben@corp.test', 1, 1), (3, 'Cat Lead', 'cat@corp.test', 2, 1),
  (4, 'Dan Clerk', 'dan@corp.test', 2, 3), (5, 'Eve Lead', 'eve@corp.test', 3, 1), (6, 'Fay Clerk', 'fay@corp.test', 3, 5);
insert into film select i, 'Film ' || i from generate_series(1, 20) i;
insert into inventory select i, 1 + (i % 20), 1 + (i % 3) from generate_series(1, 60) i;
insert into customer (store_id, first_name, last_name, email, phone, notes)
  select 1 + (i % 3), 'First' || i, 'Last' || i, 'person' || i || '@mail.test', '+1 415 555 ' || lpad(i::text, 4, '0'), 'called about order ' || i
  from generate_series(1, 50) i;
insert into rental (inventory_id, customer_id, staff_id) select 1 + (i % 60), 1 + (i % 50), 1 + (i % 6) from generate_series(1, 200) i;
insert into payment (rental_id, customer_id, amount) select r.id, r.customer_id, 1 + (r.id % 5) from rental r;
insert into comment (subject_type, subject_id, body)
  select case when i % 2 = 0 then 'film' else 'customer' end, 1 + (i % 20), 'comment number ' || i from generate_series(1, 40) i;
insert into audit_log (note) values ('source audit row');
commit;
