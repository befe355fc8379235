/**
 * Kysely types of the example database. Written by hand until `dbctl typegen` (which writes this
 * file, see dbctl.config.ts) regenerates it from the migrations.
 */
import type { ColumnType } from 'kysely';

export type Generated<T> = T extends ColumnType<infer S, infer I, infer U> ? ColumnType<S, I | undefined, U> : ColumnType<T, T | undefined, T>;

export type Json = JsonValue;
export type JsonArray = JsonValue[];
export type JsonObject = { [x: string]: JsonValue | undefined };
export type JsonPrimitive = boolean | number | string | null;
export type JsonValue = JsonArray | JsonObject | JsonPrimitive;

export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface Courses {
  code: string;
  created_at: Generated<Timestamp>;
  description: string | null;
  id: Generated<string>;
  name: string;
  semester: string;
  updated_at: Generated<Timestamp>;
}

export interface DocumentChunks {
  chunk_index: number;
  content: string;
  created_at: Generated<Timestamp>;
  document_id: string;
  embedding: number[] | null;
  embedding_model: string | null;
  embedding_version: string | null;
  id: Generated<string>;
  metadata: Generated<Json>;
  token_count: number;
}

export interface Documents {
  content_type: string;
  course_id: string;
  created_at: Generated<Timestamp>;
  file_path: string;
  id: Generated<string>;
  title: string;
  updated_at: Generated<Timestamp>;
  uploaded_by: string | null;
}

export interface Enrollments {
  course_id: string;
  enrolled_at: Generated<Timestamp>;
  id: Generated<string>;
  user_id: string;
}

export interface Interactions {
  course_id: string | null;
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  latency_ms: number | null;
  request_data: Generated<Json>;
  response_data: Json | null;
  service_type: string;
  user_id: string;
}

export interface Users {
  created_at: Generated<Timestamp>;
  display_name: string | null;
  email: string;
  id: Generated<string>;
  role: Generated<string>;
  updated_at: Generated<Timestamp>;
}

export interface VRagChunks {
  chunk_index: number | null;
  content: string | null;
  course_id: string | null;
  created_at: Timestamp | null;
  document_id: string | null;
  document_title: string | null;
  embedding_model: string | null;
  embedding_version: string | null;
  id: string | null;
  metadata: Json | null;
  token_count: number | null;
}

export interface VRagDocuments {
  content_type: string | null;
  course_code: string | null;
  course_id: string | null;
  course_name: string | null;
  created_at: Timestamp | null;
  file_path: string | null;
  id: string | null;
  semester: string | null;
  title: string | null;
  updated_at: Timestamp | null;
  uploaded_by: string | null;
}

export interface VUserInteractions {
  course_id: string | null;
  created_at: Timestamp | null;
  id: string | null;
  latency_ms: number | null;
  request_data: Json | null;
  response_data: Json | null;
  service_type: string | null;
  user_email: string | null;
  user_id: string | null;
  user_role: string | null;
}

export interface DB {
  courses: Courses;
  document_chunks: DocumentChunks;
  documents: Documents;
  enrollments: Enrollments;
  interactions: Interactions;
  users: Users;
  v_rag_chunks: VRagChunks;
  v_rag_documents: VRagDocuments;
  v_user_interactions: VUserInteractions;
}
