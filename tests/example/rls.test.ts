import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/backends.js';
import { asRole, exampleDatabase, insertBasics, sqlstateOf, type Basics, type ExampleDatabase } from './helpers.js';

const RLS_VIOLATION = '42501'; // also "permission denied": both are insufficient_privilege

describe.each(backends)('example row-level security on $name', (backend) => {
  let ex: ExampleDatabase;
  let b: Basics;
  const userIds = (list: { user_id: string }[]) => [...new Set(list.map((r) => r.user_id))].sort();

  beforeAll(async () => {
    ex = await exampleDatabase(backend);
    b = await insertBasics(ex.db, 'rls');
    await ex.db.insertInto('interactions').values([
      { user_id: b.student, course_id: b.course, service_type: 'search' },
      { user_id: b.student, course_id: b.course, service_type: 'chat' },
      { user_id: b.otherStudent, course_id: b.course, service_type: 'search' },
      { user_id: b.educator, service_type: 'summarize' },
    ]).execute();
  });
  afterAll(async () => {
    await ex?.close();
  });

  it('a student sees only their own interactions and enrollments, in the tables and through the views', async () => {
    const seen = await asRole(ex.db, 'student_role', b.student, async (trx) => ({
      interactions: await trx.selectFrom('interactions').select('user_id').execute(),
      view: await trx.selectFrom('v_user_interactions').select('user_id').execute(),
      enrollments: await trx.selectFrom('enrollments').select('user_id').execute(),
    }));
    expect(seen.interactions).toHaveLength(2);
    expect(userIds(seen.interactions)).toEqual([b.student]);
    expect(userIds(seen.view)).toEqual([b.student]);
    expect(userIds(seen.enrollments)).toEqual([b.student]);
  });

  it('a student with no app.user_id sees none', async () => {
    const seen = await asRole(ex.db, 'student_role', null, (trx) => trx.selectFrom('interactions').select('user_id').execute());
    expect(seen).toEqual([]);
  });

  it('a student inserts only for themselves and cannot change or delete history', async () => {
    const insert = (userId: string) => asRole(ex.db, 'student_role', b.student, (trx) =>
      trx.insertInto('interactions').values({ user_id: userId, service_type: 'quiz' }).execute());
    expect(await sqlstateOf(insert(b.otherStudent))).toBe(RLS_VIOLATION);
    expect(await sqlstateOf(insert(b.student))).toBe('ok');
    const enroll = (userId: string) => asRole(ex.db, 'student_role', b.student, (trx) =>
      trx.insertInto('enrollments').values({ user_id: userId, course_id: b.course }).execute());
    expect(await sqlstateOf(enroll(b.educator))).toBe(RLS_VIOLATION);
    expect(await sqlstateOf(asRole(ex.db, 'student_role', b.student, (trx) => trx.deleteFrom('interactions').execute()))).toBe(RLS_VIOLATION);
    expect(await sqlstateOf(asRole(ex.db, 'student_role', b.student, (trx) => trx.updateTable('interactions').set({ latency_ms: 1 }).execute()))).toBe(RLS_VIOLATION);
  });

  it('a student reads course material', async () => {
    const titles = await asRole(ex.db, 'student_role', b.student, (trx) => trx.selectFrom('v_rag_documents').select('title').execute());
    expect(titles).toEqual([{ title: 'Lecture 1' }]);
  });

  it('an educator sees every interaction and enrollment but inserts interactions only as themselves', async () => {
    const seen = await asRole(ex.db, 'educator_role', b.educator, async (trx) => ({
      interactions: await trx.selectFrom('interactions').select('user_id').execute(),
      enrollments: await trx.selectFrom('enrollments').select('user_id').execute(),
    }));
    expect(userIds(seen.interactions)).toEqual([b.student, b.otherStudent, b.educator].sort());
    expect(userIds(seen.enrollments)).toEqual([b.student, b.otherStudent].sort());
    const insert = (userId: string) => asRole(ex.db, 'educator_role', b.educator, (trx) =>
      trx.insertInto('interactions').values({ user_id: userId, service_type: 'chat' }).execute());
    expect(await sqlstateOf(insert(b.student))).toBe(RLS_VIOLATION);
    expect(await sqlstateOf(insert(b.educator))).toBe('ok');
  });

  it('admin_role sees and changes every row, with or without app.user_id', async () => {
    const all = await ex.db.selectFrom('interactions').select('id').execute();
    const done = await asRole(ex.db, 'admin_role', null, async (trx) => ({
      visible: (await trx.selectFrom('interactions').select('id').execute()).length,
      inserted: (await trx.insertInto('interactions').values({ user_id: b.otherStudent, service_type: 'chat' }).executeTakeFirstOrThrow()).numInsertedOrUpdatedRows,
      updated: (await trx.updateTable('interactions').set({ latency_ms: 5 }).where('user_id', '=', b.student).executeTakeFirstOrThrow()).numUpdatedRows,
    }));
    expect(done.visible).toBe(all.length);
    expect(done.inserted).toBe(1n);
    expect(done.updated).toBeGreaterThanOrEqual(2n);
  });
});
