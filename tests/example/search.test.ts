import { CompiledQuery, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDING_DIMENSIONS, similarChunks } from '../../example/search.js';
import type { DB } from '../../example/db/types.js';
import { backends } from '../helpers/backends.js';
import { NO_VECTOR_REASON } from '../helpers/vector.js';
import { exampleDatabase, insertBasics, type Basics, type ExampleDatabase } from './helpers.js';

/** A seeded generator (mulberry32): the same vectors on every run, so results never wobble. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}
const next = random(7);
const randomVector = () => Array.from({ length: EMBEDDING_DIMENSIONS }, next);
const cosineDistance = (a: number[], b: number[]) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] ** 2, nb + b[i] ** 2];
  return 1 - dot / Math.sqrt(na * nb);
};

interface Stored { id: string; courseId: string; embedding: number[] }

describe.each(backends)('example similarity search on $name', (backend) => {
  let ex: ExampleDatabase;
  let db: Kysely<DB>;
  const stored: Stored[] = [];
  let small: Basics;

  beforeAll(async () => {
    ex = await exampleDatabase(backend);
    if (!ex.hasVector) return;
    db = ex.db as Kysely<DB>;
    const big = await insertBasics(db, 's1');
    small = await insertBasics(db, 's2');
    for (const [b, count] of [[big, 30], [small, 4]] as const) {
      for (let i = 0; i < count; i++) {
        const embedding = randomVector();
        const { id } = await db.insertInto('document_chunks')
          .values({ document_id: b.document, chunk_index: i, content: `chunk ${i}`, token_count: 10, embedding: JSON.stringify(embedding), embedding_model: 'test', embedding_version: '1' })
          .returning('id').executeTakeFirstOrThrow();
        stored.push({ id, courseId: b.course, embedding });
      }
    }
    // Not embedded yet: never a search result.
    await db.insertInto('document_chunks').values({ document_id: big.document, chunk_index: 99, content: 'pending', token_count: 1 }).execute();
  });
  afterAll(async () => {
    await ex?.close();
  });

  const bruteForce = (query: number[], k: number, courseId?: string) =>
    stored.filter((s) => !courseId || s.courseId === courseId)
      .map((s) => ({ id: s.id, distance: cosineDistance(query, s.embedding) }))
      .sort((x, y) => x.distance - y.distance)
      .slice(0, k);

  it('returns the k nearest embedded chunks by cosine distance, nearest first', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    const query = stored[3].embedding.map((v) => v + next() * 0.1);
    const found = await similarChunks(db, query, { k: 5 });
    const expected = bruteForce(query, 5);
    expect(found.map((f) => f.id)).toEqual(expected.map((e) => e.id));
    expect(found[0]).toMatchObject({ id: stored[3].id, chunkIndex: 3, content: 'chunk 3', documentTitle: 'Lecture 1' });
    found.forEach((f, i) => expect(f.distance).toBeCloseTo(expected[i].distance, 4));
    expect(await similarChunks(db, query)).toHaveLength(5);
  });

  it('within a course returns only that course\'s chunks, as many as asked for if it has them', async (ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    const query = stored[0].embedding;
    const found = await similarChunks(db, query, { k: 3, courseId: small.course });
    expect(found.map((f) => f.id)).toEqual(bruteForce(query, 3, small.course).map((e) => e.id));
    expect(found.every((f) => f.courseId === small.course)).toBe(true);
    // Inside a caller's transaction it reuses it instead of opening one.
    const inTrx = await db.transaction().execute((trx) => similarChunks(trx, query, { k: 10, courseId: small.course }));
    expect(inTrx).toHaveLength(4);
  });

  it.for([
    ['all courses', {}],
    // For a course with few chunks the planner rightly prefers fetching them and sorting exactly
    // (that is what it does on this small data); with sorting made expensive, as for a large course,
    // the same query walks the index and filters.
    ['one course', { courseId: 'small', settings: ['enable_sort'] }],
  ] as Array<[string, { courseId?: string; settings?: string[] }]>)('orders through the HNSW index, %s (EXPLAIN of the exact query it runs)', async ([, opts], ctx) => {
    if (!ex.hasVector) ctx.skip(NO_VECTOR_REASON);
    const captured: CompiledQuery[] = [];
    const stop = ex.database.onQuery((event) => {
      if (event.level === 'query' && event.query.sql.includes('<=>')) captured.push(event.query);
    });
    try {
      await similarChunks(db, stored[0].embedding, { k: 3, courseId: opts.courseId && small.course });
    } finally {
      stop();
    }
    expect(captured).toHaveLength(1);
    const plan = await db.transaction().execute(async (trx) => {
      // Few rows make a sequential scan cheaper; the point is that the index serves this query.
      for (const setting of ['enable_seqscan', ...(opts.settings ?? [])]) await trx.executeQuery(CompiledQuery.raw(`set local ${setting} = off`));
      const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${captured[0].sql}`, [...captured[0].parameters]));
      return result.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using document_chunks_embedding_idx on document_chunks/);
    expect(plan).toMatch(/Order By: \(embedding <=> /);
    expect(plan).not.toMatch(/Sort/);
  });

  it('refuses an embedding of the wrong size before asking the database', async () => {
    await expect(similarChunks(ex.db as Kysely<DB>, [1, 2, 3])).rejects.toThrow(/3 dimensions.*384/);
    await expect(similarChunks(ex.db as Kysely<DB>, randomVector(), { k: 0 })).rejects.toThrow(/k must be a positive integer/);
  });
});
