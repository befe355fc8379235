-- migrate:up
-- A small pagila-like schema with a two-table cycle (store ↔ staff) and a self-reference (staff.boss_id).
create table store (id int primary key, name text not null, manager_staff_id int);
create table staff (
  id int primary key,
  name text not null,
  email text not null unique,
  store_id int not null references store (id),
  boss_id int references staff (id)
);
alter table store add constraint store_manager_fkey foreign key (manager_staff_id) references staff (id) deferrable initially deferred;
create table customer (
  id serial primary key,
  store_id int not null references store (id),
  first_name text not null,
  last_name text not null,
  email text,
  phone text,
  created_at timestamptz not null default '2026-01-01T00:00:00Z'
);
create table film (id int primary key, title text not null);
create table inventory (id int primary key, film_id int not null references film (id), store_id int not null references store (id));
create table rental (
  id serial primary key,
  inventory_id int not null references inventory (id),
  customer_id int not null references customer (id),
  staff_id int not null references staff (id)
);
create table payment (id serial primary key, rental_id int references rental (id), customer_id int not null references customer (id), amount numeric(6, 2) not null);
-- Polymorphic: subject_type says which table subject_id points into (declared as virtual keys in the config).
create table comment (id serial primary key, subject_type text not null, subject_id int not null, body text not null);
create table audit_log (id serial primary key, note text not null);
-- Indexes the copy builds after loading (a partial one, an expression one) and one it leaves in place (it has a comment).
create index rental_staff_idx on rental (staff_id) where staff_id > 0;
create index film_title_idx on film (lower(title));
create index customer_created_idx on customer (created_at);
comment on index customer_created_idx is 'left in place while the copy loads: it has a comment';

-- migrate:down
drop table audit_log, comment, payment, rental, inventory, film, customer;
alter table store drop constraint store_manager_fkey;
drop table staff, store;
