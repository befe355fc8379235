/**
 * The course catalogue (fixtures/courses.json): reference data every environment has. Ids are
 * derived from the natural key, so the rows are the same in every database.
 */
import type { SeedContext } from 'dbctl';
import { SINCE, courseId, type Course } from '../_shared/learning.js';

export async function seed(ctx: SeedContext): Promise<void> {
  const catalogue = ctx.fixture<Course & { name: string; description: string | null }>('courses');
  await ctx.upsert('courses', catalogue.map((c) => ({ id: courseId(ctx, c), ...c, created_at: SINCE, updated_at: SINCE })));
}
