/** 8 students and 2 educators per scale unit, with stable ids and emails. */
import type { SeedContext } from 'dbctl';
import { counts, educatorId, studentId, when } from '../_shared/learning.js';

export async function seed(ctx: SeedContext): Promise<void> {
  const n = counts(ctx);
  const person = (id: string, role: string, i: number) => {
    const first = ctx.faker.person.firstName();
    const last = ctx.faker.person.lastName();
    const created = when(ctx);
    const handle = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    // The index keeps emails unique however many users --scale asks for.
    return { id, email: `${handle}.${role[0]}${i}@example.edu`, display_name: `${first} ${last}`, role, created_at: created, updated_at: created };
  };
  function* users() {
    for (let i = 0; i < n.educators; i++) yield person(educatorId(ctx, i), 'educator', i);
    for (let i = 0; i < n.students; i++) yield person(studentId(ctx, i), 'student', i);
  }
  await ctx.upsert('users', users(), { total: n.educators + n.students });
}
