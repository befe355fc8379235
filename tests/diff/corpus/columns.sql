-- case: add a nullable column
-- a
create table t (id int primary key);
-- b
create table t (id int primary key, name text);
-- expect: ADD COLUMN name text

-- case: add a column with a default
-- a
create table t (id int primary key);
-- b
create table t (id int primary key, n int not null default 0);

-- case: drop a column
-- a
create table t (id int primary key, name text);
-- b
create table t (id int primary key);
-- hints: {"drops": [{"kind": "column", "name": "public.t.name"}]}
-- expect: DROP COLUMN name

-- case: widen int to bigint
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n bigint);
-- expect: TYPE bigint USING n::bigint

-- case: set not null through a check
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int not null);
-- expect: CHECK (n IS NOT NULL) NOT VALID
-- expect: VALIDATE CONSTRAINT

-- case: change a default
-- a
create table t (id int primary key, n int default 1);
-- b
create table t (id int primary key, n int default 2);
-- expect: SET DEFAULT 2
