-- migrate:up
-- One trigger function keeps updated_at honest on every table that has it.
create function set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text,
  role text not null default 'student',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_key unique (email),
  constraint users_email_check check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  constraint users_role_check check (role in ('student', 'educator', 'admin'))
);

create index users_role_idx on users (role);

create trigger users_set_updated_at before update on users
  for each row execute function set_updated_at();

-- migrate:down
drop table users;
drop function set_updated_at();
