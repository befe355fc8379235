-- Runs once, when the data volume is first initialised (/docker-entrypoint-initdb.d), through psql
-- as POSTGRES_USER in POSTGRES_DB. It prepares what migrations cannot: login users with passwords,
-- which belong to the server, not to a schema, and whose passwords must not live in migrations.
-- The schema itself, the pgvector extension and the policies come from `dbctl migrate up`.
\set ON_ERROR_STOP on
\getenv student_password APP_STUDENT_PASSWORD
\getenv educator_password APP_EDUCATOR_PASSWORD
\getenv admin_password APP_ADMIN_PASSWORD

-- The group roles the row-level security policies name (the migration creates them the same way
-- when they are missing, e.g. on a server set up without this script).
select format('create role %I nologin', r)
from unnest(array['student_role', 'educator_role', 'admin_role']) as r
where not exists (select from pg_roles where rolname = r)
\gexec

-- One login user per application role. The application connects as one of them and says which
-- user it acts for with `set app.user_id = '<users.id>'`.
select format('create role %I login password %L in role %I', login, password, grp)
from (values
  ('app_student', :'student_password', 'student_role'),
  ('app_educator', :'educator_password', 'educator_role'),
  ('app_admin', :'admin_password', 'admin_role')
) as v(login, password, grp)
where not exists (select from pg_roles where rolname = login)
\gexec
