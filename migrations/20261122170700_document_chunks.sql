-- migrate:up
create table document_chunks (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references documents (id) on delete cascade,
  chunk_index integer not null,
  content text not null,
  token_count integer not null,
  -- Null until the chunk is embedded; 384 dimensions (all-MiniLM-L6-v2, bge-small, e5-small…).
  embedding vector(384),
  embedding_model text,
  embedding_version text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint document_chunks_document_chunk_index_key unique (document_id, chunk_index),
  constraint document_chunks_chunk_index_check check (chunk_index >= 0),
  constraint document_chunks_content_check check (content <> ''),
  constraint document_chunks_token_count_check check (token_count > 0),
  -- An embedding is only comparable with embeddings of the same model: it must say which.
  constraint document_chunks_embedding_model_check
    check (embedding is null or (embedding_model is not null and embedding_version is not null)),
  constraint document_chunks_metadata_check check (jsonb_typeof(metadata) = 'object')
);

-- Cosine distance (<=>) is what the similarity search orders by.
create index document_chunks_embedding_idx on document_chunks using hnsw (embedding vector_cosine_ops);
-- Re-embedding jobs look for chunks of an old model version.
create index document_chunks_embedding_model_idx on document_chunks (embedding_model, embedding_version);

create view v_rag_chunks with (security_invoker = true) as
select
  ch.id,
  ch.document_id,
  d.title as document_title,
  d.course_id,
  ch.chunk_index,
  ch.content,
  ch.token_count,
  ch.embedding_model,
  ch.embedding_version,
  ch.metadata,
  ch.created_at
from document_chunks ch
join documents d on d.id = ch.document_id;

grant select on document_chunks, v_rag_chunks to student_role, educator_role, admin_role;
grant insert, update, delete on document_chunks to educator_role, admin_role;

-- migrate:down
drop view v_rag_chunks;
drop table document_chunks;
