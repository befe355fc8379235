import pgvector from 'pgvector';
import { sql, type Kysely } from 'kysely';
import type { DB } from './db/types.js';

/** The dimension of `document_chunks.embedding` (vector(384)). */
export const EMBEDDING_DIMENSIONS = 384;

export interface SimilarChunksOptions {
  /** How many chunks to return. Default 5. */
  k?: number;
  /** Only chunks of this course's documents. */
  courseId?: string;
}

export interface SimilarChunk {
  id: string;
  documentId: string;
  documentTitle: string;
  courseId: string;
  chunkIndex: number;
  content: string;
  /** Cosine distance to the query embedding: 0 = same direction, 2 = opposite. */
  distance: number;
}

/**
 * The top-k chunks closest to `embedding` by cosine distance, nearest first, optionally within one
 * course. `ORDER BY embedding <=> $1 LIMIT k` is the shape that lets the planner walk the HNSW index
 * (document_chunks_embedding_idx) instead of computing every distance.
 *
 * With a course filter, the index returns nearest chunks first and the filter drops other courses'
 * ones; so that a small course still gets k results, pgvector's iterative scan (0.8+) is switched on
 * for the query's transaction: the index keeps scanning until k rows pass the filter.
 */
export async function similarChunks(db: Kysely<DB>, embedding: number[], opts: SimilarChunksOptions = {}): Promise<SimilarChunk[]> {
  if (embedding.length !== EMBEDDING_DIMENSIONS) {
    throw new RangeError(`similarChunks: the embedding has ${embedding.length} dimensions, document_chunks.embedding has ${EMBEDDING_DIMENSIONS}`);
  }
  const k = opts.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`similarChunks: k must be a positive integer, got ${k}`);
  if (opts.courseId === undefined) return query(db, embedding, k);
  const filtered = async (trx: Kysely<DB>) => {
    await sql`set local hnsw.iterative_scan = strict_order`.execute(trx);
    return query(trx, embedding, k, opts.courseId);
  };
  return db.isTransaction ? filtered(db) : db.transaction().execute(filtered);
}

function query(db: Kysely<DB>, embedding: number[], k: number, courseId?: string): Promise<SimilarChunk[]> {
  const distance = sql<number>`c.embedding <=> ${pgvector.toSql(embedding)}::vector`;
  return db
    .selectFrom('document_chunks as c')
    .innerJoin('documents as d', 'd.id', 'c.document_id')
    .select([
      'c.id',
      'c.document_id as documentId',
      'd.title as documentTitle',
      'd.course_id as courseId',
      'c.chunk_index as chunkIndex',
      'c.content',
      distance.as('distance'),
    ])
    .where('c.embedding', 'is not', null)
    .$if(courseId !== undefined, (q) => q.where('d.course_id', '=', courseId!))
    .orderBy(distance)
    .limit(k)
    .execute();
}
