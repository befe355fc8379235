import type pg from 'pg';
import type { Kysely } from 'kysely';
import { copyIn, type CopyIn } from '../driver/copy.js';
import { quoteIdent } from '../sql/quote.js';
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

/** Whole lines of a table's rows as the target gets them (masked), with the source's bytes and rows. */
export interface Piece {
  written: Buffer;
  bytes: number;
  rows: number;
}

/** One table's rows read from the source: COPY … TO STDOUT, split into whole lines, masked. */
export interface RowReader {
  pieces(): AsyncIterable<Piece>;
  /** Stops reading: the source's COPY ends with `reason` (its session is then closed or dropped). */
  destroy(reason?: unknown): void;
  /** Whether `error` is the source's own (a user's predicate failing on some row), not the target's. */
  fromSource(error: unknown): boolean;
  /** It hashes the lines itself (read ahead: off the stream's path); contents() once every piece was taken. */
  hashes?: boolean;
  contents?(): { rows: number; digest: string } | undefined;
}

/** Rows are handed on in pieces of about this many bytes. */
const PIECE_BYTES = 64 << 10;
/** Pieces read and not yet taken before the source is paused (it waits, TCP being the backpressure). */
const PIECES_AHEAD = 16;

/**
 * Starts reading a table off the source: `COPY … TO STDOUT`, each row as the server sends it (one
 * message a row, read in place off the socket: src/driver/pg/copy-out-rows.ts), masked, gathered
 * into pieces of whole lines. Memory stays bounded: once PIECES_AHEAD pieces wait, the socket is
 * not read until they are taken.
 */
export async function readRows(source: pg.Client, job: StreamJob): Promise<RowReader> {
  const { openCopyOut } = await import('../driver/pg/copy-out-rows.js');
  const list = job.columns.map(quoteIdent).join(', ');
  const ready: Piece[] = [];
  let piece = Buffer.allocUnsafe(PIECE_BYTES);
  let used = 0;
  let masked: string[] = [];
  let rows = 0;
  let bytes = 0;
  let ended = false;
  /** What ends the reading: the source's error, the mask's, or the reason it was stopped for. */
  let failure: { error: unknown } | undefined;
  let sourceError: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const cut = () => {
    if (!rows) return;
    ready.push({ written: job.transform ? Buffer.from(masked.join(''), 'utf8') : piece.subarray(0, used), bytes, rows });
    if (job.transform) masked = [];
    else piece = Buffer.allocUnsafe(PIECE_BYTES);
    used = rows = bytes = 0;
    if (ready.length >= PIECES_AHEAD) out.pause();
    signal();
  };
  const stop = (error: unknown) => {
    failure ??= { error };
    out.destroy(error);
    signal();
  };
  const out = openCopyOut(source, `copy (${selectOf(job, list)}) to stdout`, (data, start, end) => {
    if (failure) return;
    const length = end - start + 1;
    if (job.transform) {
      try {
        masked.push(job.transform(data.toString('utf8', start, end)));
      } catch (error) {
        stop(error);
        return;
      }
    } else {
      if (used + length > piece.length) {
        cut();
        if (length > piece.length) piece = Buffer.allocUnsafe(length);
      }
      data.copy(piece, used, start, end);
      piece[used + length - 1] = 0x0a;
      used += length;
    }
    rows++;
    bytes += length;
    if (job.transform && bytes >= PIECE_BYTES) cut();
  });
  out.rows.then(
    () => {
      cut();
      ended = true;
      signal();
    },
    (error) => {
      if (!failure) {
        sourceError = error;
        failure = { error };
      }
      signal();
    },
  );
  async function* pieces(): AsyncGenerator<Piece> {
    for (;;) {
      const next = ready.shift();
      if (next) {
        if (ready.length < PIECES_AHEAD / 2) out.resume();
        yield next;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      out.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  return {
    pieces,
    destroy: (reason) => stop(reason ?? new Error('the read was stopped')),
    fromSource: (error) => error !== undefined && error === sourceError,
  };
}

/**
 * Streams one table: its rows read from the source (`source`: on that session, or read ahead
 * already), COPY … FROM STDIN on the target. Memory stays bounded: the next piece is taken only
 * once the target has taken the last batch (the sink's write waits on drain).
 */
export async function streamTable(source: pg.Client | RowReader, target: Kysely<any>, job: StreamJob, options: { signal?: AbortSignal; onProgress?: (p: StreamProgress) => void }): Promise<StreamResult> {
  const reader = 'pieces' in source ? source : await readRows(source, job);
  const list = job.columns.map(quoteIdent).join(', ');
  let sink: CopyIn;
  try {
    sink = await copyIn(target, `copy ${qualified(job.table)} (${list}) from stdin`);
  } catch (error) {
    reader.destroy();
    throw error;
  }
  const progress: StreamProgress = { table: job.table, rows: 0, bytes: 0 };
  const digest = job.digest && !reader.hashes ? await CopyDigest.create() : undefined;
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
  // An abort ends a stream that waits at once, not at its next chunk: on the source (a lock, a slow
  // network) or on the target (a slow trigger: the write waits for it to drain, and a CopyFail would
  // be read only once it is done). The target's session is dropped: its database is thrown away.
  const onAbort = () => {
    reader.destroy(options.signal!.reason);
    sink.sever();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw options.signal.reason;
    for await (const piece of reader.pieces()) {
      if (options.signal?.aborted) throw options.signal.reason;
      progress.bytes += piece.bytes;
      progress.rows += piece.rows;
      digest?.update(piece.written);
      batch.push(piece.written);
      batchBytes += piece.written.length;
      if (batchBytes >= BATCH_BYTES) await flush();
    }
    await flush();
    const loaded = await sink.close();
    const contents = !job.digest ? undefined : digest ? digest.finish() : reader.contents?.();
    return { ...progress, loaded, contents: contents && { rows: contents.rows, digest: contents.digest } };
  } catch (error) {
    reader.destroy();
    await sink.abort();
    throw reader.fromSource(error) && 'where' in job.selection ? whereError(error, job.selection.given, job.table) : error;
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
