-- The database schema, written by `dbctl schema dump` (or `migrate up --dump-schema`): do not edit.
-- Deterministic: a fixed object order, schema-qualified names, no owners, versions or dates.

SET check_function_bodies = false;

-- Roles the schema names (global to the server: created NOLOGIN only when missing)

DO $$ BEGIN CREATE ROLE admin_role NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE educator_role NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE student_role NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;

-- Extensions (the version is whatever the server provides)

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;

-- Functions

CREATE OR REPLACE FUNCTION public.app_user_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE
AS $function$
  select nullif(current_setting('app.user_id', true), '')::uuid
$function$;

CREATE OR REPLACE FUNCTION public.set_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  new.updated_at := now();
  return new;
end
$function$;

-- Tables

CREATE TABLE public.courses (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    description text,
    semester text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT courses_code_check CHECK ((code ~ '^[A-Z0-9-]{2,16}$'::text)),
    CONSTRAINT courses_code_semester_key UNIQUE (code, semester),
    CONSTRAINT courses_name_check CHECK ((name <> ''::text)),
    CONSTRAINT courses_pkey PRIMARY KEY (id),
    CONSTRAINT courses_semester_check CHECK ((semester ~ '^(Spring|Summer|Fall|Winter) [0-9]{4}$'::text))
);

CREATE TABLE public.document_chunks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    document_id uuid NOT NULL,
    chunk_index integer NOT NULL,
    content text NOT NULL,
    token_count integer NOT NULL,
    embedding public.vector(384),
    embedding_model text,
    embedding_version text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT document_chunks_chunk_index_check CHECK ((chunk_index >= 0)),
    CONSTRAINT document_chunks_content_check CHECK ((content <> ''::text)),
    CONSTRAINT document_chunks_document_chunk_index_key UNIQUE (document_id, chunk_index),
    CONSTRAINT document_chunks_embedding_model_check CHECK (((embedding IS NULL) OR ((embedding_model IS NOT NULL) AND (embedding_version IS NOT NULL)))),
    CONSTRAINT document_chunks_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT document_chunks_pkey PRIMARY KEY (id),
    CONSTRAINT document_chunks_token_count_check CHECK ((token_count > 0))
);

CREATE TABLE public.documents (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    course_id uuid NOT NULL,
    title text NOT NULL,
    file_path text NOT NULL,
    content_type text NOT NULL,
    uploaded_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT documents_content_type_check CHECK ((content_type ~ '^[a-z]+/[a-z0-9.+-]+$'::text)),
    CONSTRAINT documents_course_file_path_key UNIQUE (course_id, file_path),
    CONSTRAINT documents_pkey PRIMARY KEY (id),
    CONSTRAINT documents_title_check CHECK ((title <> ''::text))
);

CREATE TABLE public.enrollments (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    course_id uuid NOT NULL,
    enrolled_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT enrollments_pkey PRIMARY KEY (id),
    CONSTRAINT enrollments_user_course_key UNIQUE (user_id, course_id)
);

CREATE TABLE public.interactions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    course_id uuid,
    service_type text NOT NULL,
    request_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    response_data jsonb,
    latency_ms integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT interactions_latency_ms_check CHECK ((latency_ms >= 0)),
    CONSTRAINT interactions_pkey PRIMARY KEY (id),
    CONSTRAINT interactions_request_data_check CHECK ((jsonb_typeof(request_data) = 'object'::text)),
    CONSTRAINT interactions_service_type_check CHECK ((service_type = ANY (ARRAY['search'::text, 'chat'::text, 'summarize'::text, 'quiz'::text])))
);

CREATE TABLE public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email text NOT NULL,
    display_name text,
    role text DEFAULT 'student'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_email_check CHECK ((email ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['student'::text, 'educator'::text, 'admin'::text])))
);

-- Views

CREATE VIEW public.v_rag_chunks WITH (security_invoker=true) AS
SELECT ch.id,
    ch.document_id,
    d.title AS document_title,
    d.course_id,
    ch.chunk_index,
    ch.content,
    ch.token_count,
    ch.embedding_model,
    ch.embedding_version,
    ch.metadata,
    ch.created_at
   FROM public.document_chunks ch
     JOIN public.documents d ON d.id = ch.document_id;

CREATE VIEW public.v_rag_documents WITH (security_invoker=true) AS
SELECT d.id,
    d.course_id,
    c.code AS course_code,
    c.name AS course_name,
    c.semester,
    d.title,
    d.file_path,
    d.content_type,
    d.uploaded_by,
    d.created_at,
    d.updated_at
   FROM public.documents d
     JOIN public.courses c ON c.id = d.course_id;

CREATE VIEW public.v_user_interactions WITH (security_invoker=true) AS
SELECT i.id,
    i.user_id,
    u.email AS user_email,
    u.role AS user_role,
    i.course_id,
    i.service_type,
    i.request_data,
    i.response_data,
    i.latency_ms,
    i.created_at
   FROM public.interactions i
     JOIN public.users u ON u.id = i.user_id;

-- Indexes

CREATE INDEX courses_semester_idx ON public.courses USING btree (semester);
CREATE INDEX document_chunks_embedding_idx ON public.document_chunks USING hnsw (embedding public.vector_cosine_ops);
CREATE INDEX document_chunks_embedding_model_idx ON public.document_chunks USING btree (embedding_model, embedding_version);
CREATE INDEX documents_content_type_idx ON public.documents USING btree (content_type);
CREATE INDEX documents_uploaded_by_idx ON public.documents USING btree (uploaded_by);
CREATE INDEX enrollments_course_id_idx ON public.enrollments USING btree (course_id);
CREATE INDEX interactions_course_id_idx ON public.interactions USING btree (course_id);
CREATE INDEX interactions_service_type_created_at_idx ON public.interactions USING btree (service_type, created_at DESC);
CREATE INDEX interactions_user_id_created_at_idx ON public.interactions USING btree (user_id, created_at DESC);
CREATE INDEX users_role_idx ON public.users USING btree (role);

-- Constraints added after every table exists (foreign keys, NOT VALID)

ALTER TABLE public.document_chunks ADD CONSTRAINT document_chunks_document_id_fkey FOREIGN KEY (document_id) REFERENCES public.documents(id) ON DELETE CASCADE;
ALTER TABLE public.documents ADD CONSTRAINT documents_course_id_fkey FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE public.documents ADD CONSTRAINT documents_uploaded_by_fkey FOREIGN KEY (uploaded_by) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE public.enrollments ADD CONSTRAINT enrollments_course_id_fkey FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE CASCADE;
ALTER TABLE public.enrollments ADD CONSTRAINT enrollments_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE public.interactions ADD CONSTRAINT interactions_course_id_fkey FOREIGN KEY (course_id) REFERENCES public.courses(id) ON DELETE SET NULL;
ALTER TABLE public.interactions ADD CONSTRAINT interactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

-- Triggers

CREATE TRIGGER courses_set_updated_at BEFORE UPDATE ON public.courses FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER documents_set_updated_at BEFORE UPDATE ON public.documents FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Row-level security

ALTER TABLE public.enrollments ENABLE ROW LEVEL SECURITY;

CREATE POLICY enrollments_admin_all ON public.enrollments FOR ALL TO admin_role
    USING (true)
    WITH CHECK (true);

CREATE POLICY enrollments_educator_all ON public.enrollments FOR ALL TO educator_role
    USING (true)
    WITH CHECK (true);

CREATE POLICY enrollments_student_insert ON public.enrollments FOR INSERT TO student_role
    WITH CHECK ((user_id = public.app_user_id()));

CREATE POLICY enrollments_student_select ON public.enrollments FOR SELECT TO student_role
    USING ((user_id = public.app_user_id()));

ALTER TABLE public.interactions ENABLE ROW LEVEL SECURITY;

CREATE POLICY interactions_admin_all ON public.interactions FOR ALL TO admin_role
    USING (true)
    WITH CHECK (true);

CREATE POLICY interactions_educator_insert ON public.interactions FOR INSERT TO educator_role
    WITH CHECK ((user_id = public.app_user_id()));

CREATE POLICY interactions_educator_select ON public.interactions FOR SELECT TO educator_role
    USING (true);

CREATE POLICY interactions_student_insert ON public.interactions FOR INSERT TO student_role
    WITH CHECK ((user_id = public.app_user_id()));

CREATE POLICY interactions_student_select ON public.interactions FOR SELECT TO student_role
    USING ((user_id = public.app_user_id()));

-- Grants

GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.courses TO admin_role;
GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.courses TO educator_role;
GRANT SELECT ON TABLE public.courses TO student_role;

GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.document_chunks TO admin_role;
GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.document_chunks TO educator_role;
GRANT SELECT ON TABLE public.document_chunks TO student_role;

GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.documents TO admin_role;
GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.documents TO educator_role;
GRANT SELECT ON TABLE public.documents TO student_role;

GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.enrollments TO admin_role;
GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.enrollments TO educator_role;
GRANT INSERT, SELECT ON TABLE public.enrollments TO student_role;

GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.interactions TO admin_role;
GRANT INSERT, SELECT ON TABLE public.interactions TO educator_role;
GRANT INSERT, SELECT ON TABLE public.interactions TO student_role;

GRANT DELETE, INSERT, SELECT, UPDATE ON TABLE public.users TO admin_role;
GRANT SELECT ON TABLE public.users TO educator_role;
GRANT SELECT ON TABLE public.users TO student_role;

GRANT SELECT ON TABLE public.v_rag_chunks TO admin_role;
GRANT SELECT ON TABLE public.v_rag_chunks TO educator_role;
GRANT SELECT ON TABLE public.v_rag_chunks TO student_role;

GRANT SELECT ON TABLE public.v_rag_documents TO admin_role;
GRANT SELECT ON TABLE public.v_rag_documents TO educator_role;
GRANT SELECT ON TABLE public.v_rag_documents TO student_role;

GRANT SELECT ON TABLE public.v_user_interactions TO admin_role;
GRANT SELECT ON TABLE public.v_user_interactions TO educator_role;
GRANT SELECT ON TABLE public.v_user_interactions TO student_role;
