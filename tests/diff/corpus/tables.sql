-- case: create a table
-- a
-- b
create table t (id bigint generated always as identity primary key, name text not null);

-- case: drop a table
-- a
create table t (id int primary key);
-- b

-- case: create two tables with a foreign key
-- a
-- b
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id) on delete cascade);

-- case: drop two tables with a foreign key
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));
-- b

-- case: drop the referenced table only
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));
-- b
create table c (id int primary key, p_id int);

-- case: table in another schema
-- a
create schema app;
-- b
create schema app;
create table app.t (id int primary key);

-- case: table with every constraint kind
-- a
-- b
create table t (id int primary key, a int unique, b int check (b > 0), c int not null, d int references t (id));

-- case: self reference
-- a
create table t (id int primary key);
-- b
create table t (id int primary key, parent int references t (id));

-- case: circular foreign keys
-- a
-- b
create table a (id int primary key, b_id int);
create table b (id int primary key, a_id int references a (id));
alter table a add constraint a_b_fk foreign key (b_id) references b (id);

-- case: a new table beside an existing one
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
create table u (id int primary key, t_id int not null references t (id));
-- expect: CREATE TABLE public.u

-- case: unlogged table
-- a
-- b
create unlogged table t (id int primary key);

-- case: table with a serial column
-- a
-- b
create table t (id serial primary key, name text);

-- case: drop a table with a serial column
-- a
create table t (id serial primary key, name text);
-- b

-- case: table comment and column comments
-- a
-- b
create table t (id int primary key, name text);
comment on table t is 'the t';
comment on column t.name is 'a name';

-- case: many tables
-- a
create table t1 (id int primary key);
-- b
create table t1 (id int primary key);
create table t2 (id int primary key, t1 int references t1 (id));
create table t3 (id int primary key, t2 int references t2 (id));
create table t4 (id int primary key, t3 int references t3 (id));
