-- migrate:up
-- Roles are global to the server, so another database (or a parallel run creating it at the same
-- moment, which fails with unique_violation rather than duplicate_object) may already own them.
-- They are never dropped by down: other databases may still use them. Login users that belong to
-- them are made outside migrations (docker/init.sql).
do $$
declare
  r text;
begin
  foreach r in array array['student_role', 'educator_role', 'admin_role'] loop
    if not exists (select from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin', r);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

-- The application says who the user is per session or transaction:
--   set app.user_id = '…'   (or set_config('app.user_id', '…', true))
-- Unset (null) or reset (empty string) means nobody, so no own rows match.
create function app_user_id() returns uuid
language sql stable as $$
  select nullif(current_setting('app.user_id', true), '')::uuid
$$;

grant select on users, courses, documents, v_rag_documents, v_user_interactions to student_role, educator_role;
grant select, insert on interactions, enrollments to student_role;
grant select, insert on interactions to educator_role;
grant select, insert, update, delete on courses, documents, enrollments to educator_role;
-- admin_role "bypasses" RLS through policies that allow everything, not the BYPASSRLS attribute:
-- that would need a superuser to create the role, and would reach every table of the server.
grant select, insert, update, delete on users, courses, enrollments, documents, interactions to admin_role;
grant select on v_rag_documents, v_user_interactions to admin_role;

alter table interactions enable row level security;
alter table enrollments enable row level security;

create policy interactions_student_select on interactions for select to student_role
  using (user_id = app_user_id());
create policy interactions_student_insert on interactions for insert to student_role
  with check (user_id = app_user_id());
create policy interactions_educator_select on interactions for select to educator_role
  using (true);
create policy interactions_educator_insert on interactions for insert to educator_role
  with check (user_id = app_user_id());
create policy interactions_admin_all on interactions for all to admin_role
  using (true) with check (true);

create policy enrollments_student_select on enrollments for select to student_role
  using (user_id = app_user_id());
create policy enrollments_student_insert on enrollments for insert to student_role
  with check (user_id = app_user_id());
create policy enrollments_educator_all on enrollments for all to educator_role
  using (true) with check (true);
create policy enrollments_admin_all on enrollments for all to admin_role
  using (true) with check (true);

-- migrate:down
drop policy enrollments_admin_all on enrollments;
drop policy enrollments_educator_all on enrollments;
drop policy enrollments_student_insert on enrollments;
drop policy enrollments_student_select on enrollments;
drop policy interactions_admin_all on interactions;
drop policy interactions_educator_insert on interactions;
drop policy interactions_educator_select on interactions;
drop policy interactions_student_insert on interactions;
drop policy interactions_student_select on interactions;

alter table enrollments disable row level security;
alter table interactions disable row level security;

revoke all on users, courses, enrollments, documents, interactions, v_rag_documents, v_user_interactions
  from student_role, educator_role, admin_role;

drop function app_user_id();
