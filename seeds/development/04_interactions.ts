/** 100 interactions per scale unit: students asking about the courses they are enrolled in. */
import type { SeedContext } from 'dbctl';
import { SERVICE_TYPES, counts, courseId, courses, coursesOfStudent, studentId, when } from '../_shared/learning.js';

export async function seed(ctx: SeedContext): Promise<void> {
  const n = counts(ctx);
  const all = courses(ctx);
  function* interactions() {
    for (let x = 0; x < n.interactions; x++) {
      const student = ctx.faker.number.int({ min: 0, max: n.students - 1 });
      const service = ctx.faker.helpers.arrayElement(SERVICE_TYPES);
      const course = ctx.faker.helpers.arrayElement(coursesOfStudent(ctx, student));
      const query = ctx.faker.lorem.sentence().replace(/\.$/, '?');
      yield {
        id: ctx.id('interactions', x),
        user_id: studentId(ctx, student),
        course_id: courseId(ctx, all[course]),
        service_type: service,
        request_data: { query },
        response_data: service === 'quiz' ? { questions: ctx.faker.number.int({ min: 3, max: 10 }) } : { answer: ctx.faker.lorem.sentences(2) },
        latency_ms: ctx.faker.number.int({ min: 40, max: 2500 }),
        created_at: when(ctx),
      };
    }
  }
  await ctx.upsert('interactions', interactions(), { total: n.interactions });
}
