/**
 * 50 documents per scale unit, spread over the courses, each cut into 2-6 chunks whose
 * embeddings cluster around their course's centre (so similarity search finds same-course text).
 */
import type { SeedContext } from 'dbctl';
import {
  CONTENT_TYPES, EMBEDDING_MODEL, SINCE, counts, courseCentre, courseId, courseOfDocument, courses, documentId, educatorId, embeddingNear, when,
} from '../_shared/learning.js';

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'text/markdown': 'md', 'text/html': 'html', 'text/plain': 'txt' };

export async function seed(ctx: SeedContext): Promise<void> {
  const n = counts(ctx);
  const all = courses(ctx);
  const chunksPerDocument: number[] = [];
  function* documents() {
    for (let j = 0; j < n.documents; j++) {
      const contentType = ctx.faker.helpers.arrayElement(CONTENT_TYPES);
      const created = when(ctx);
      chunksPerDocument.push(ctx.faker.number.int({ min: 2, max: 6 }));
      yield {
        id: documentId(ctx, j),
        course_id: courseId(ctx, all[courseOfDocument(ctx, j)]),
        title: ctx.faker.lorem.words({ min: 2, max: 6 }).replace(/^./, (c) => c.toUpperCase()),
        file_path: `docs/${String(j).padStart(5, '0')}.${EXTENSIONS[contentType]}`,
        content_type: contentType,
        uploaded_by: educatorId(ctx, j % n.educators),
        created_at: created,
        updated_at: created,
      };
    }
  }
  await ctx.upsert('documents', documents(), { total: n.documents });

  const centres = new Map<number, number[]>();
  function* chunks() {
    for (let j = 0; j < n.documents; j++) {
      const k = courseOfDocument(ctx, j);
      if (!centres.has(k)) centres.set(k, courseCentre(k));
      for (let c = 0; c < chunksPerDocument[j]; c++) {
        const content = ctx.faker.lorem.paragraph({ min: 2, max: 5 });
        yield {
          id: ctx.id('document_chunks', `${j}/${c}`),
          document_id: documentId(ctx, j),
          chunk_index: c,
          content,
          token_count: content.split(/\s+/).length,
          embedding: embeddingNear(ctx, centres.get(k)!),
          embedding_model: EMBEDDING_MODEL,
          embedding_version: '1',
          metadata: { page: c + 1, course: all[k].code },
          created_at: SINCE,
        };
      }
    }
  }
  await ctx.upsert('document_chunks', chunks(), { total: chunksPerDocument.reduce((a, b) => a + b, 0), batchSize: 1000 });
}
