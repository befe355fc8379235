import type pg from 'pg';
import { CopyDigest } from '../catalog/copy-digest.js';
import { readRows, type Piece, type RowReader, type StreamJob } from './stream.js';

/**
 * What a copy reads ahead in all: the source's COPY then waits (backpressure) until the target
 * takes some. A subset's rows usually fit whole; a big table's first part is read, masked, while
 * the target's database is created, and memory stays flat however big the source. 64 MiB put a
 * full copy's peak RSS at ~235 MiB (the target is < 256 MiB); a full copy is bound by the target
 * anyway, and what more than 32 MiB read ahead saves it is small.
 */
export const PREFETCH_BYTES = 32 << 20;

/**
 * One table's rows read from the source before the target can take them: masked as they arrive,
 * held in memory only (never on disk), at most `capBytes` of them. Started while the target's
 * database is created, so the source's scan overlaps it; the stream then takes the pieces from
 * here (pieces()), and the rest straight off the source as the target takes them.
 *
 * A failure (the source lost, an abort: the copy's clean-up drops the source's sockets) is kept
 * and thrown to whoever takes the pieces; nothing waits on a prefetch no one takes.
 */
export class Prefetch implements RowReader {
  readonly #reader: RowReader;
  readonly #queue: Piece[] = [];
  #queued = 0;
  #done = false;
  #failed = false;
  #error: unknown;
  #discarding = false;
  /** Wakes the side that waits: the reader when a piece came or it ended, the pump when space freed. */
  #wake: (() => void) | undefined;
  readonly #pumped: Promise<void>;
  readonly #digest: CopyDigest | undefined;
  #contents: { rows: number; digest: string } | undefined;

  private constructor(reader: RowReader, readonly job: StreamJob, private readonly capBytes: number, digest: CopyDigest | undefined) {
    this.#reader = reader;
    this.#digest = digest;
    this.#pumped = this.#pump();
  }

  /**
   * `hash`: the lines are hashed here as they are read (the manifest's stream digest, stream.ts),
   * while the target is made, not on the stream's path; for a table the copy will likely hash.
   */
  static async start(source: pg.Client, job: StreamJob, capBytes = PREFETCH_BYTES, options: { hash?: boolean } = {}): Promise<Prefetch> {
    return new Prefetch(await readRows(source, job), job, capBytes, options.hash ? await CopyDigest.create() : undefined);
  }

  get hashes(): boolean {
    return this.#digest !== undefined;
  }

  /** The digest of every line read, once the source sent them all (undefined before, or not hashed). */
  contents(): { rows: number; digest: string } | undefined {
    return this.#contents;
  }

  async #pump(): Promise<void> {
    try {
      for await (const piece of this.#reader.pieces()) {
        if (this.#discarding) continue;
        this.#digest?.update(piece.written);
        this.#queue.push(piece);
        this.#queued += piece.written.length;
        this.#signal();
        // Full: the source's stream is not pulled, so it stops reading its socket and the server waits.
        while (this.#queued >= this.capBytes && !this.#discarding) await new Promise<void>((resolve) => (this.#wake = resolve));
      }
      const hashed = this.#digest?.finish();
      this.#contents = hashed && { rows: hashed.rows, digest: hashed.digest };
    } catch (error) {
      this.#failed = true;
      this.#error = error;
    } finally {
      this.#done = true;
      this.#signal();
    }
  }

  /** The bytes held, read and not yet taken. */
  get buffered(): number {
    return this.#queued;
  }

  /** Resolves (never rejects) once the source has sent every row, or failed: a profile shows how far ahead the read was. */
  get finished(): Promise<void> {
    return this.#pumped;
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *pieces(): AsyncGenerator<Piece> {
    for (;;) {
      const piece = this.#queue.shift();
      if (piece) {
        this.#queued -= piece.written.length;
        this.#signal();
        yield piece;
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#done) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  destroy(reason?: unknown): void {
    this.#reader.destroy(reason);
  }

  fromSource(error: unknown): boolean {
    return this.#reader.fromSource(error);
  }

  /**
   * The rows are not wanted after all (the target's plan copies the table otherwise): they are read
   * to the end and dropped, so the session is free again (a COPY cannot be cut short without ending
   * the snapshot's transaction). Resolves once the source is done with it.
   */
  async discard(signal?: AbortSignal): Promise<void> {
    this.#discarding = true;
    this.#queue.length = 0;
    this.#queued = 0;
    this.#signal();
    // An abort ends the read at once (a COPY waiting on a lock would keep the copy waiting with it).
    const onAbort = () => this.#reader.destroy(signal!.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#pumped;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (this.#failed) throw this.#error;
  }
}
