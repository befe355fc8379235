import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { NO_VECTOR_REASON } from '../helpers/vector.js';
import { exampleDatabase, insertBasics, rows, sqlstateOf, type ExampleDatabase } from './helpers.js';

const CHECK = '23514';
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';
const NOT_NULL = '23502';
const vec = (first: number) => `[${[first, ...Array(383).fill(0)].join(',')}]`;

describe.each(backends)('example schema on $name', (backend) => {
  let ex: ExampleDatabase;
  beforeAll(async () => {
    ex = await exampleDatabase(backend);
  });
  afterAll(async () => {
    await ex?.close();
  });

  const relations = async () => (await rows(ex.db, `select table_name, table_type from information_schema.tables where table_schema = 'public'`))
    .map((r) => `${r.table_name}:${r.table_type === 'VIEW' ? 'view' : 'table'}`);

  it('has the tables and read-model views', async () => {
    expect(await relations()).toEqual(expect.arrayContaining([
      'users:table', 'courses:table', 'enrollments:table', 'documents:table', 'interactions:table', 'v_rag_documents:view', 'v_user_interactions:view',
    ]));
  });

  it('has document_chunks with a vector(384) embedding, and v_rag_chunks', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    expect(await relations()).toEqual(expect.arrayContaining(['document_chunks:table', 'v_rag_chunks:view']));
    const embedding = await rows(ex.db, `select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'document_chunks'::regclass and attname = 'embedding'`);
    expect(embedding).toEqual([{ type: 'vector(384)' }]);
  });

  it('users: generated uuid, unique well-formed email, checked role, updated_at kept by a trigger', async () => {
    const user = await ex.db.insertInto('users').values({ email: 'u1@example.edu' }).returning(['id', 'role', 'created_at', 'updated_at']).executeTakeFirstOrThrow();
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.role).toBe('student');
    expect(await sqlstateOf(ex.db.insertInto('users').values({ email: 'u1@example.edu' }).execute())).toBe(UNIQUE);
    expect(await sqlstateOf(ex.db.insertInto('users').values({ email: 'not an email' }).execute())).toBe(CHECK);
    expect(await sqlstateOf(ex.db.insertInto('users').values({ email: 'u2@example.edu', role: 'janitor' }).execute())).toBe(CHECK);
    expect(await sqlstateOf(ex.db.insertInto('users').values({ email: null }).execute())).toBe(NOT_NULL);

    // now() is the transaction's start, so the update runs in a later transaction than the insert.
    await sql`select pg_sleep(0.01)`.execute(ex.db);
    const updated = await ex.db.updateTable('users').set({ display_name: 'U One' }).where('id', '=', user.id).returning(['created_at', 'updated_at']).executeTakeFirstOrThrow();
    expect(updated.created_at).toEqual(user.created_at);
    expect(updated.updated_at.getTime()).toBeGreaterThan(user.updated_at.getTime());
  });

  it('courses, enrollments, documents and interactions reject bad rows', async () => {
    const b = await insertBasics(ex.db, 'c1');
    const course = (values: object) => ex.db.insertInto('courses').values({ code: 'CS-200', name: 'Algorithms', semester: 'Spring 2027', ...values }).execute();
    expect(await sqlstateOf(course({ code: 'cs 200' }))).toBe(CHECK);
    expect(await sqlstateOf(course({ semester: 'sometime' }))).toBe(CHECK);
    expect(await sqlstateOf(course({ name: '' }))).toBe(CHECK);
    expect(await sqlstateOf(course({ code: 'CS-C1', semester: 'Fall 2026' }))).toBe(UNIQUE);
    expect(await sqlstateOf(course({ code: 'CS-C1', semester: 'Spring 2027' }))).toBe('ok');

    expect(await sqlstateOf(ex.db.insertInto('enrollments').values({ user_id: b.student, course_id: b.course }).execute())).toBe(UNIQUE);
    expect(await sqlstateOf(ex.db.insertInto('enrollments').values({ user_id: crypto.randomUUID(), course_id: b.course }).execute())).toBe(FOREIGN_KEY);

    const document = (values: object) => ex.db.insertInto('documents').values({ course_id: b.course, title: 'Notes', file_path: 'notes.md', content_type: 'text/markdown', ...values }).execute();
    expect(await sqlstateOf(document({ content_type: 'PDF' }))).toBe(CHECK);
    expect(await sqlstateOf(document({ title: '' }))).toBe(CHECK);
    expect(await sqlstateOf(document({ file_path: 'lectures/c1/01.pdf' }))).toBe(UNIQUE);
    expect(await sqlstateOf(document({ course_id: crypto.randomUUID() }))).toBe(FOREIGN_KEY);

    const interaction = (values: object) => ex.db.insertInto('interactions').values({ user_id: b.student, service_type: 'search', ...values }).execute();
    expect(await sqlstateOf(interaction({ service_type: 'telepathy' }))).toBe(CHECK);
    expect(await sqlstateOf(interaction({ latency_ms: -1 }))).toBe(CHECK);
    expect(await sqlstateOf(interaction({ request_data: JSON.stringify([1, 2]) }))).toBe(CHECK);
    expect(await sqlstateOf(interaction({ user_id: crypto.randomUUID() }))).toBe(FOREIGN_KEY);
    expect(await sqlstateOf(interaction({ request_data: JSON.stringify({ q: 'joins' }), latency_ms: 12 }))).toBe('ok');
  });

  it('deleting a course removes its enrollments and documents; interactions stay with course_id cleared', async () => {
    const b = await insertBasics(ex.db, 'c2');
    const { id } = await ex.db.insertInto('interactions').values({ user_id: b.student, course_id: b.course, service_type: 'chat' }).returning('id').executeTakeFirstOrThrow();
    await ex.db.deleteFrom('courses').where('id', '=', b.course).execute();
    expect(await ex.db.selectFrom('enrollments').where('course_id', '=', b.course).selectAll().execute()).toEqual([]);
    expect(await ex.db.selectFrom('documents').where('id', '=', b.document).selectAll().execute()).toEqual([]);
    expect(await ex.db.selectFrom('interactions').where('id', '=', id).select('course_id').execute()).toEqual([{ course_id: null }]);
  });

  it('deleting a user removes their enrollments and interactions; their uploads stay with uploaded_by cleared', async () => {
    const b = await insertBasics(ex.db, 'c3');
    await ex.db.insertInto('interactions').values({ user_id: b.educator, course_id: b.course, service_type: 'summarize' }).execute();
    await ex.db.insertInto('enrollments').values({ user_id: b.educator, course_id: b.course }).execute();
    await ex.db.deleteFrom('users').where('id', '=', b.educator).execute();
    expect(await ex.db.selectFrom('interactions').where('user_id', '=', b.educator).selectAll().execute()).toEqual([]);
    expect(await ex.db.selectFrom('enrollments').where('user_id', '=', b.educator).selectAll().execute()).toEqual([]);
    expect(await ex.db.selectFrom('documents').where('id', '=', b.document).select('uploaded_by').execute()).toEqual([{ uploaded_by: null }]);
  });

  it('the read-model views return the joined rows', async () => {
    const b = await insertBasics(ex.db, 'c4');
    await ex.db.insertInto('interactions').values({ user_id: b.student, course_id: b.course, service_type: 'quiz', latency_ms: 40 }).execute();
    expect(await ex.db.selectFrom('v_rag_documents').where('id', '=', b.document).select(['title', 'course_code', 'course_name', 'semester']).execute())
      .toEqual([{ title: 'Lecture 1', course_code: 'CS-C4', course_name: 'Databases', semester: 'Fall 2026' }]);
    expect(await ex.db.selectFrom('v_user_interactions').where('user_id', '=', b.student).select(['user_email', 'user_role', 'service_type', 'latency_ms']).execute())
      .toEqual([{ user_email: 'ann.c4@example.edu', user_role: 'student', service_type: 'quiz', latency_ms: 40 }]);
  });

  it('document_chunks: 384 dimensions, a model for every embedding, one index per chunk; cascades with its document; v_rag_chunks joins the title', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    const b = await insertBasics(ex.db, 'c5');
    const chunk = (values: object) => ex.db.insertInto('document_chunks')
      .values({ document_id: b.document, chunk_index: 0, content: 'B-trees', token_count: 3, embedding: vec(1), embedding_model: 'all-MiniLM-L6-v2', embedding_version: '1', ...values })
      .execute();
    expect(await sqlstateOf(chunk({ embedding: '[1,2,3]' }))).toBe('22000');
    expect(await sqlstateOf(chunk({ embedding_model: null }))).toBe(CHECK);
    expect(await sqlstateOf(chunk({ token_count: 0 }))).toBe(CHECK);
    expect(await sqlstateOf(chunk({ chunk_index: -1 }))).toBe(CHECK);
    expect(await sqlstateOf(chunk({ metadata: JSON.stringify('page 1') }))).toBe(CHECK);
    expect(await sqlstateOf(chunk({ metadata: JSON.stringify({ page: 1 }) }))).toBe('ok');
    expect(await sqlstateOf(chunk({}))).toBe(UNIQUE);
    expect(await sqlstateOf(chunk({ chunk_index: 1, embedding: null, embedding_model: null, embedding_version: null }))).toBe('ok');

    const view = await ex.db.selectFrom('v_rag_chunks').where('document_id', '=', b.document).selectAll().orderBy('chunk_index').execute();
    expect(view.map((r) => [r.chunk_index, r.document_title, r.course_id, r.metadata])).toEqual([[0, 'Lecture 1', b.course, { page: 1 }], [1, 'Lecture 1', b.course, {}]]);
    expect(Object.keys(view[0])).not.toContain('embedding');

    await ex.db.deleteFrom('documents').where('id', '=', b.document).execute();
    expect(await ex.db.selectFrom('document_chunks').where('document_id', '=', b.document).selectAll().execute()).toEqual([]);
  });
});
