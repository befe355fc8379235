-- migrate:up
-- security_invoker: a view is read with the reader's rights, so row-level security on the tables
-- underneath applies to it too (without it, a view owned by a superuser would show every row).
create view v_rag_documents with (security_invoker = true) as
select
  d.id,
  d.course_id,
  c.code as course_code,
  c.name as course_name,
  c.semester,
  d.title,
  d.file_path,
  d.content_type,
  d.uploaded_by,
  d.created_at,
  d.updated_at
from documents d
join courses c on c.id = d.course_id;

create view v_user_interactions with (security_invoker = true) as
select
  i.id,
  i.user_id,
  u.email as user_email,
  u.role as user_role,
  i.course_id,
  i.service_type,
  i.request_data,
  i.response_data,
  i.latency_ms,
  i.created_at
from interactions i
join users u on u.id = i.user_id;

-- migrate:down
drop view v_user_interactions;
drop view v_rag_documents;
