-- case: enable row level security
-- a
create table t (id int primary key);
-- b
create table t (id int primary key);
alter table t enable row level security;
-- expect: ENABLE ROW LEVEL SECURITY

-- case: disable row level security
-- a
create table t (id int primary key);
alter table t enable row level security;
-- b
create table t (id int primary key);

-- case: force row level security
-- a
create table t (id int primary key);
alter table t enable row level security;
-- b
create table t (id int primary key);
alter table t enable row level security;
alter table t force row level security;

-- case: create a policy
-- a
create table t (id int primary key, owner text);
alter table t enable row level security;
-- b
create table t (id int primary key, owner text);
alter table t enable row level security;
create policy own on t using (owner = current_user);

-- case: drop a policy
-- a
create table t (id int primary key, owner text);
create policy own on t using (owner = current_user);
-- b
create table t (id int primary key, owner text);

-- case: change a policy's expression
-- a
create table t (id int primary key, owner text);
create policy own on t using (owner = current_user);
-- b
create table t (id int primary key, owner text);
create policy own on t using (owner = session_user);

-- case: policy for insert with check
-- a
create table t (id int primary key, owner text);
-- b
create table t (id int primary key, owner text);
create policy ins on t for insert with check (owner = current_user);

-- case: restrictive policy
-- a
create table t (id int primary key, owner text);
-- b
create table t (id int primary key, owner text);
create policy r on t as restrictive for select using (owner is not null);

-- case: policy to a role
-- a
do $$ begin create role dbctl_diff_app; exception when duplicate_object then null; end $$;
create table t (id int primary key);
-- b
do $$ begin create role dbctl_diff_app; exception when duplicate_object then null; end $$;
create table t (id int primary key);
create policy app on t for select to dbctl_diff_app using (true);

-- case: policy roles change
-- a
do $$ begin create role dbctl_diff_app; exception when duplicate_object then null; end $$;
create table t (id int primary key);
create policy app on t for select to dbctl_diff_app using (true);
-- b
do $$ begin create role dbctl_diff_app; exception when duplicate_object then null; end $$;
create table t (id int primary key);
create policy app on t for select to public using (true);

-- case: policy command change
-- a
create table t (id int primary key);
create policy p on t for select using (true);
-- b
create table t (id int primary key);
create policy p on t for update using (true);

-- case: policy comment
-- a
create table t (id int primary key);
create policy p on t using (true);
-- b
create table t (id int primary key);
create policy p on t using (true);
comment on policy p on t is 'everyone';

-- case: new table with rls and policies
-- a
-- b
create table t (id int primary key, owner text);
alter table t enable row level security;
alter table t force row level security;
create policy own on t using (owner = current_user) with check (owner = current_user);

-- case: policy using a function
-- a
create table t (id int primary key, owner text);
-- b
create function me() returns text language sql stable as $$ select current_user::text $$;
create table t (id int primary key, owner text);
create policy own on t using (owner = me());

-- case: policy over a column whose type changes
-- a
create table t (id int primary key, n int);
create policy p on t using (n > 0);
-- b
create table t (id int primary key, n bigint);
create policy p on t using (n > 0);

-- case: policy on a role created by the plan
-- a
create table t (id int primary key);
-- b
do $$ begin create role dbctl_diff_new_role nologin; exception when duplicate_object then null; end $$;
create table t (id int primary key);
create policy p on t to dbctl_diff_new_role using (true);
