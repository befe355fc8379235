/** Courses beyond the catalogue (2 per scale unit in all; none at scale 1) and the enrollments. */
import type { SeedContext } from 'dbctl';
import { SINCE, counts, courseId, courses, coursesOfStudent, studentId, when } from '../_shared/learning.js';

export async function seed(ctx: SeedContext): Promise<void> {
  const all = courses(ctx);
  const catalogue = ctx.fixture('courses').length;
  function* generated() {
    for (const course of all.slice(catalogue)) {
      yield { id: courseId(ctx, course), ...course, name: ctx.faker.company.catchPhrase(), description: ctx.faker.lorem.sentence(), created_at: SINCE, updated_at: SINCE };
    }
  }
  await ctx.upsert('courses', generated(), { total: all.length - catalogue });

  const students = counts(ctx).students;
  function* enrollments() {
    for (let i = 0; i < students; i++) {
      for (const k of coursesOfStudent(ctx, i)) {
        yield { id: ctx.id('enrollments', `${i}/${k}`), user_id: studentId(ctx, i), course_id: courseId(ctx, all[k]), enrolled_at: when(ctx) };
      }
    }
  }
  await ctx.upsert('enrollments', enrollments());
}
