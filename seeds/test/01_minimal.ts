/**
 * A small, exact data set for tests: literal values (no faker), so tests can assert on them.
 * Ids are still `ctx.id(...)` keys, e.g. ctx.id('users', 'alice').
 */
import type { SeedContext } from 'dbctl';
import { EMBEDDING_MODEL, SINCE, courseCentre, courseId } from '../_shared/learning.js';

export async function seed(ctx: SeedContext): Promise<void> {
  const cs101 = courseId(ctx, { code: 'CS-101', semester: 'Fall 2026' });
  const alice = ctx.id('users', 'alice');
  const bob = ctx.id('users', 'bob');
  const syllabus = ctx.id('documents', 'syllabus');
  const at = { created_at: SINCE, updated_at: SINCE };
  await ctx.upsert('users', [
    { id: alice, email: 'alice@example.test', display_name: 'Alice Student', role: 'student', ...at },
    { id: bob, email: 'bob@example.test', display_name: 'Bob Educator', role: 'educator', ...at },
  ]);
  await ctx.upsert('enrollments', [{ id: ctx.id('enrollments', 'alice/cs101'), user_id: alice, course_id: cs101, enrolled_at: SINCE }]);
  await ctx.upsert('documents', [
    { id: syllabus, course_id: cs101, title: 'Syllabus', file_path: 'docs/syllabus.pdf', content_type: 'application/pdf', uploaded_by: bob, ...at },
  ]);
  await ctx.upsert('document_chunks', [
    { id: ctx.id('document_chunks', 'syllabus/0'), document_id: syllabus, chunk_index: 0, content: 'Week 1: loops and conditionals.', token_count: 5, embedding: courseCentre(0), embedding_model: EMBEDDING_MODEL, embedding_version: '1', metadata: { page: 1 }, created_at: SINCE },
    { id: ctx.id('document_chunks', 'syllabus/1'), document_id: syllabus, chunk_index: 1, content: 'Week 2: recursion.', token_count: 3, embedding: null, embedding_model: null, embedding_version: null, metadata: { page: 2 }, created_at: SINCE },
  ]);
  await ctx.upsert('interactions', [
    { id: ctx.id('interactions', 'alice/1'), user_id: alice, course_id: cs101, service_type: 'search', request_data: { query: 'when is the exam?' }, response_data: { answer: 'Week 12.' }, latency_ms: 120, created_at: SINCE },
  ]);
}
