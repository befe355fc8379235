-- migrate:up
create table courses (
  id uuid primary key default gen_random_uuid(),
  code text not null,
  name text not null,
  description text,
  semester text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint courses_code_semester_key unique (code, semester),
  constraint courses_code_check check (code ~ '^[A-Z0-9-]{2,16}$'),
  constraint courses_name_check check (name <> ''),
  constraint courses_semester_check check (semester ~ '^(Spring|Summer|Fall|Winter) [0-9]{4}$')
);

create index courses_semester_idx on courses (semester);

create trigger courses_set_updated_at before update on courses
  for each row execute function set_updated_at();

-- Enrollments and course material belong to their course and go with it; a user's enrollments
-- go with the user.
create table enrollments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  course_id uuid not null references courses (id) on delete cascade,
  enrolled_at timestamptz not null default now(),
  constraint enrollments_user_course_key unique (user_id, course_id)
);

-- (user_id, course_id) is covered by the unique index; this one serves "who is in course X".
create index enrollments_course_id_idx on enrollments (course_id);

-- Material outlives the account that uploaded it: uploaded_by is set null, not cascaded.
create table documents (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references courses (id) on delete cascade,
  title text not null,
  file_path text not null,
  content_type text not null,
  uploaded_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documents_course_file_path_key unique (course_id, file_path),
  constraint documents_title_check check (title <> ''),
  constraint documents_content_type_check check (content_type ~ '^[a-z]+/[a-z0-9.+-]+$')
);

create index documents_uploaded_by_idx on documents (uploaded_by);
create index documents_content_type_idx on documents (content_type);

create trigger documents_set_updated_at before update on documents
  for each row execute function set_updated_at();

-- migrate:down
drop table documents;
drop table enrollments;
drop table courses;
