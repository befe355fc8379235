-- case: rename a table with a comment
-- a
create table people (id int primary key, name text);
-- b
-- dbctl:renamed-from people
create table persons (id int primary key, name text);
-- expect: ALTER TABLE public.people RENAME TO persons
-- expect: RENAME CONSTRAINT people_pkey TO persons_pkey

-- case: rename a column with a comment
-- a
create table t (id int primary key, nick text);
-- b
create table t (
  id int primary key,
  nickname text -- dbctl:renamed-from nick
);
-- expect: RENAME COLUMN nick TO nickname

-- case: rename a column with the comment on the line above
-- a
create table t (id int primary key, nick text);
-- b
create table t (
  id int primary key,
  -- dbctl:renamed-from nick
  nickname text
);
-- expect: RENAME COLUMN nick TO nickname

-- case: rename an index with a comment
-- a
create table t (id int primary key, a int);
create index t_a on t (a);
-- b
create table t (id int primary key, a int);
-- dbctl:renamed-from t_a
create index t_by_a on t (a);
-- expect: ALTER INDEX public.t_a RENAME TO t_by_a

-- case: rename a table through hints
-- a
create table people (id int primary key);
-- b
create table persons (id int primary key);
-- hints: {"renames": [{"kind": "table", "from": "public.people", "to": "public.persons"}]}
-- expect: RENAME TO persons

-- case: rename a column through hints
-- a
create table t (id int primary key, nick text);
-- b
create table t (id int primary key, nickname text);
-- hints: {"renames": [{"kind": "column", "table": "public.t", "from": "nick", "to": "nickname"}]}
-- expect: RENAME COLUMN nick TO nickname

-- case: a drop and an add of a column without a hint is ambiguous
-- a
create table t (id int primary key, nick text);
-- b
create table t (id int primary key, nickname text);
-- error: diff_ambiguous

-- case: a drop and an add of a table without a hint is ambiguous
-- a
create table people (id int primary key);
-- b
create table persons (id int primary key);
-- error: diff_ambiguous

-- case: an intended drop settles the ambiguity
-- a
create table t (id int primary key, nick text);
-- b
create table t (id int primary key, nickname text);
-- hints: {"drops": [{"kind": "column", "name": "public.t.nick"}]}
-- expect: DROP COLUMN nick

-- case: renamed table with a foreign key into it
-- a
create table people (id int primary key);
create table posts (id int primary key, author int references people (id));
-- b
-- dbctl:renamed-from people
create table persons (id int primary key);
create table posts (id int primary key, author int references persons (id));

-- case: renamed column with an index and a check
-- a
create table t (id int primary key, n int check (n > 0));
create index t_n on t (n);
-- b
create table t (
  id int primary key,
  m int check (m > 0) -- dbctl:renamed-from n
);
create index t_n on t (m);

-- case: renamed column referenced by a foreign key
-- a
create table p (id int primary key, code text unique);
create table c (id int primary key, p_code text references p (code));
-- b
create table p (
  id int primary key,
  ref text unique -- dbctl:renamed-from code
);
create table c (id int primary key, p_code text references p (ref));

-- case: renamed table and column together
-- a
create table people (id int primary key, nick text);
-- b
-- dbctl:renamed-from people
create table persons (
  id int primary key,
  nickname text -- dbctl:renamed-from nick
);

-- case: renamed table in another schema
-- a
create schema s;
create table s.old (id int primary key);
-- b
create schema s;
-- dbctl:renamed-from old
create table s.new (id int primary key);
-- expect: ALTER TABLE s.old RENAME TO new

-- case: a rename that is already applied is skipped
-- a
create table persons (id int primary key);
-- b
-- dbctl:renamed-from people
create table persons (id int primary key);

-- case: renamed table with a view over it
-- a
create table people (id int primary key);
create view v as select id from people;
-- b
-- dbctl:renamed-from people
create table persons (id int primary key);
create view v as select id from persons;

-- case: renamed column with a policy
-- a
create table t (id int primary key, owner text);
create policy own on t using (owner = current_user);
-- b
create table t (
  id int primary key,
  owned_by text -- dbctl:renamed-from owner
);
create policy own on t using (owned_by = current_user);

-- case: renamed column plus another column added
-- a
create table t (id int primary key, nick text);
-- b
create table t (
  id int primary key,
  nickname text, -- dbctl:renamed-from nick
  bio text
);
