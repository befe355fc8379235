-- case: add a check on an existing table (NOT VALID, then VALIDATE)
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int check (n > 0));
-- expect: NOT VALID
-- expect: VALIDATE CONSTRAINT t_n_check

-- case: drop a check
-- a
create table t (id int primary key, n int check (n > 0));
-- b
create table t (id int primary key, n int);

-- case: change a check
-- a
create table t (id int primary key, n int constraint n_positive check (n > 0));
-- b
create table t (id int primary key, n int constraint n_positive check (n >= 0));

-- case: add a foreign key (NOT VALID, data check, VALIDATE)
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int);
-- b
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));
-- expect: dbctl:data-check
-- expect: NOT VALID
-- expect: VALIDATE CONSTRAINT c_p_id_fkey

-- case: drop a foreign key
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));
-- b
create table p (id int primary key);
create table c (id int primary key, p_id int);

-- case: change a foreign key's action
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));
-- b
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id) on delete cascade);

-- case: composite foreign key
-- a
create table p (a int, b int, primary key (a, b));
create table c (id int primary key, a int, b int);
-- b
create table p (a int, b int, primary key (a, b));
create table c (id int primary key, a int, b int, foreign key (a, b) references p (a, b) on update cascade);

-- case: add a unique constraint (index built concurrently, then attached)
-- a
create table t (id int primary key, email text);
-- b
create table t (id int primary key, email text unique);
-- expect: CREATE UNIQUE INDEX CONCURRENTLY t_email_key
-- expect: UNIQUE USING INDEX t_email_key

-- case: drop a unique constraint
-- a
create table t (id int primary key, email text unique);
-- b
create table t (id int primary key, email text);

-- case: multi-column unique
-- a
create table t (id int primary key, a int, b int);
-- b
create table t (id int primary key, a int, b int, unique (a, b));

-- case: unique nulls not distinct
-- a
create table t (id int primary key, a int);
-- b
create table t (id int primary key, a int, constraint t_a_key unique nulls not distinct (a));

-- case: add a primary key
-- a
create table t (id int not null, name text);
-- b
create table t (id int primary key, name text);
-- expect: PRIMARY KEY USING INDEX t_pkey

-- case: drop a primary key
-- a
create table t (id int primary key, name text);
-- b
create table t (id int not null, name text);

-- case: change a primary key referenced by a foreign key
-- a
create table p (id int not null, code text not null, constraint p_pkey primary key (id));
create table c (id int primary key, p_id int references p (id));
-- b
create table p (id int not null, code text not null, constraint p_pkey primary key (id) include (code));
create table c (id int primary key, p_id int references p (id));

-- case: add an exclusion constraint
-- a
create table t (id int primary key, r int4range);
-- b
create table t (id int primary key, r int4range, exclude using gist (r with &&));

-- case: drop an exclusion constraint
-- a
create table t (id int primary key, r int4range, exclude using gist (r with &&));
-- b
create table t (id int primary key, r int4range);

-- case: a NOT VALID check stays not valid
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int);
alter table t add constraint t_n_check check (n > 0) not valid;

-- case: deferrable foreign key
-- a
create table p (id int primary key);
create table c (id int primary key, p_id int);
-- b
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id) deferrable initially deferred);

-- case: check on several columns
-- a
create table t (id int primary key, lo int, hi int);
-- b
create table t (id int primary key, lo int, hi int, constraint t_range check (lo <= hi));

-- case: renamed constraint keeps its definition
-- a
create table t (id int primary key, n int constraint old_check check (n > 0));
-- b
create table t (id int primary key, n int constraint new_check check (n > 0));
-- expect: RENAME CONSTRAINT old_check TO new_check

-- case: foreign key to a unique column
-- a
create table p (id int primary key, code text unique);
create table c (id int primary key, code text);
-- b
create table p (id int primary key, code text unique);
create table c (id int primary key, code text references p (code));

-- case: foreign key on a new column
-- a
create table p (id int primary key);
create table c (id int primary key);
-- b
create table p (id int primary key);
create table c (id int primary key, p_id int references p (id));

-- case: check with a function call
-- a
create table t (id int primary key, s text);
-- b
create table t (id int primary key, s text check (length(s) < 10));

-- case: no inherit check
-- a
create table t (id int primary key, n int);
-- b
create table t (id int primary key, n int, constraint t_n check (n > 0) no inherit);
