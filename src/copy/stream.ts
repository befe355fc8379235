import type pg from 'pg';
import type { Kysely } from 'kysely';
import { copyIn } from '../driver/copy.js';
import { quoteIdent } from '../sql/quote.js';
import { LineSplitter } from './copy-text.js';
import { qualified, rowsOf } from './graph.js';
import { CopyDigest } from '../catalog/copy-digest.js';
import { whereError, type Selection } from './subset.js';

/** Lines are handed to the target in batches of about this many bytes (PGlite: one COPY per batch). */
const BATCH_BYTES = 1 << 20;

export interface StreamJob {
  table: string;
  /** The columns both sides have, in the target's order (generated ones left out). */
  columns: string[];
  selection: Selection;
  transform: ((line: string) => string) | null;
  /**
   * Hash the lines as they are written (the manifest's digest of this table, without reading it
   * back): only when they are the whole of the target's rows, exactly as the target prints them
   * (stream-digest.ts decides).
   */
  digest?: boolean;
  /** Partitioned: read with its partitions (any other table is read without its inheritance children: see rowsOf). */
  partitioned?: boolean;
  /** What the source holds for it (catalog estimates): how the target readies the table. */
  estimate?: { rows: number; bytes: number };
}

export interface StreamProgress {
  table: string;
  rows: number;
  bytes: number;
}

export interface StreamResult extends StreamProgress {
  /** The rows the target said it loaded (undefined when it does not say). */
  loaded?: number;
  /** With `job.digest`: the row count and content digest of the lines written. */
  contents?: { rows: number; digest: string };
}

/**
 * Streams one table: COPY … TO STDOUT on the source session, each line through the masking
 * transform, COPY … FROM STDIN on the target. Memory stays bounded: the next chunk is read only
 * once the target has taken the last batch (for await pulls, the sink's write waits on drain).
 */
export async function streamTable(source: pg.Client, target: Kysely<any>, job: StreamJob, options: { signal?: AbortSignal; onProgress?: (p: StreamProgress) => void }): Promise<StreamResult> {
  const { default: copyStreams } = await import('pg-copy-streams');
  const list = job.columns.map(quoteIdent).join(', ');
  const out = source.query(copyStreams.to(`copy (${selectOf(job, list)}) to stdout`));
  const sink = await copyIn(target, `copy ${qualified(job.table)} (${list}) from stdin`);
  const progress: StreamProgress = { table: job.table, rows: 0, bytes: 0 };
  const splitter = new LineSplitter();
  const digest = job.digest ? await CopyDigest.create() : undefined;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    const data = batch.length === 1 ? batch[0] : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    await sink.write(data);
    options.onProgress?.(progress);
  };
  // An abort ends a stream that waits (a lock on the source, a slow network) at once, not at its next chunk.
  const onAbort = () => out.destroy(options.signal!.reason);
  // The source's own error (a user's predicate failing on some row) tells apart from the target's.
  let sourceError: unknown;
  out.on('error', (error) => (sourceError ??= error));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) throw options.signal.reason;
      // Whole lines only: PGlite loads each batch as a COPY of its own.
      const whole = splitter.push(chunk);
      if (!whole) continue;
      progress.bytes += whole.length;
      let written: Buffer;
      if (job.transform) {
        const lines = whole.toString('utf8').split('\n');
        lines.pop();
        progress.rows += lines.length;
        written = Buffer.from(lines.map(job.transform).join(''), 'utf8');
      } else {
        // Nothing masked: the bytes pass through as they came, only their rows counted.
        progress.rows += countLines(whole);
        written = whole;
      }
      digest?.update(written);
      batch.push(written);
      batchBytes += written.length;
      if (batchBytes >= BATCH_BYTES) await flush();
    }
    await flush();
    const loaded = await sink.close();
    const contents = digest?.finish();
    return { ...progress, loaded, contents: contents && { rows: contents.rows, digest: contents.digest } };
  } catch (error) {
    out.destroy();
    await sink.abort();
    throw error === sourceError && 'where' in job.selection ? whereError(error, job.selection.given, job.table) : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The query the stream copies out: a predicate is evaluated here, on the copy's one snapshot; rows
 * picked by ctid are read from the relation holding them (a partition, for a partitioned table),
 * with `only` (an inheritance parent's scan would add its children's rows at those ctids), one
 * relation after another.
 */
function selectOf(job: StreamJob, list: string): string {
  const { selection } = job;
  const from = rowsOf(job.table, job);
  if (selection.whole) return `select ${list} from ${from} as t`;
  if ('where' in selection) return `select ${list} from ${from} as t where ${selection.where}`;
  return selection.tids
    .map((s) => `select ${list} from only ${s.relation} as t where t.ctid = any('{${s.ctids.map((c) => `"${c}"`).join(',')}}'::tid[])`)
    .join(' union all ');
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) n++;
  return n;
}
