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

-- case: drop a default
-- a
create table t (id int primary key, n int default 1);
-- b
create table t (id int primary key, n int);
-- expect: DROP DEFAULT

-- case: drop not null
-- a
create table t (id int primary key, n int not null);
-- b
create table t (id int primary key, n int);
-- expect: DROP NOT NULL

-- case: text to varchar narrows
-- a
create table t (id int primary key, s text);
-- b
create table t (id int primary key, s varchar(20));

-- case: varchar widened
-- a
create table t (id int primary key, s varchar(10));
-- b
create table t (id int primary key, s varchar(100));

-- case: varchar to text
-- a
create table t (id int primary key, s varchar(10));
-- b
create table t (id int primary key, s text);

-- case: numeric precision
-- a
create table t (id int primary key, x numeric(10,2));
-- b
create table t (id int primary key, x numeric(12,2));

-- case: text to integer with a cast
-- a
create table t (id int primary key, n text);
-- b
create table t (id int primary key, n integer);
-- expect: USING n::integer

-- case: integer to text
-- a
create table t (id int primary key, n integer);
-- b
create table t (id int primary key, n text);

-- case: type change keeps the default
-- a
create table t (id int primary key, n int default 5);
-- b
create table t (id int primary key, n bigint default 5);

-- case: type and default change together
-- a
create table t (id int primary key, n int default 5);
-- b
create table t (id int primary key, n text default 'x');

-- case: timestamp to timestamptz
-- a
create table t (id int primary key, at timestamp);
-- b
create table t (id int primary key, at timestamptz);

-- case: add a not null column with a default and a check
-- a
create table t (id int primary key);
-- b
create table t (id int primary key, n int not null default 0 check (n >= 0));

-- case: add a not null column without a default (a data check first)
-- a
create table t (id int primary key);
-- b
create table t (id int primary key, n int not null);
-- expect: dbctl:data-check

-- case: add several columns
-- a
create table t (id int primary key);
-- b
create table t (id int primary key, a text, b int, c boolean default false, d jsonb, e uuid);

-- case: drop several columns
-- a
create table t (id int primary key, a text, b int, c boolean);
-- b
create table t (id int primary key);

-- case: add a generated column
-- a
create table t (id int primary key, a int);
-- b
create table t (id int primary key, a int, b int generated always as (a * 2) stored);

-- case: change a generated expression cannot be planned
-- a
create table t (id int primary key, a int, b int generated always as (a * 2) stored);
-- b
create table t (id int primary key, a int, b int generated always as (a * 3) stored);
-- error: diff_unplannable

-- case: collation change
-- a
create table t (id int primary key, s text);
-- b
create table t (id int primary key, s text collate "C");
-- expect: COLLATE

-- case: array column type
-- a
create table t (id int primary key, tags text[]);
-- b
create table t (id int primary key, tags varchar(50)[]);

-- case: jsonb default change
-- a
create table t (id int primary key, j jsonb default '{}');
-- b
create table t (id int primary key, j jsonb default '[]');

-- case: default from a function
-- a
create table t (id int primary key, at timestamptz);
-- b
create table t (id int primary key, at timestamptz default now());

-- case: boolean default flip
-- a
create table t (id int primary key, b boolean not null default false);
-- b
create table t (id int primary key, b boolean not null default true);

-- case: smallint to integer
-- a
create table t (id int primary key, n smallint);
-- b
create table t (id int primary key, n integer);

-- case: real to double
-- a
create table t (id int primary key, x real);
-- b
create table t (id int primary key, x double precision);

-- case: bigint to numeric
-- a
create table t (id int primary key, x bigint);
-- b
create table t (id int primary key, x numeric);

-- case: column on a second table only
-- a
create table t (id int primary key);
create table u (id int primary key);
-- b
create table t (id int primary key);
create table u (id int primary key, note text);

-- case: quoted column names
-- a
create table t (id int primary key, "Mixed Case" text);
-- b
create table t (id int primary key, "Mixed Case" text not null default '', "select" int);

-- case: unlogged to logged
-- a
create unlogged table t (id int primary key);
-- b
create table t (id int primary key);
-- expect: SET LOGGED

-- case: storage options
-- a
create table t (id int primary key) with (fillfactor = 70);
-- b
create table t (id int primary key) with (fillfactor = 90, autovacuum_enabled = false);

-- case: storage options reset
-- a
create table t (id int primary key) with (fillfactor = 70);
-- b
create table t (id int primary key);
-- expect: RESET (fillfactor)
