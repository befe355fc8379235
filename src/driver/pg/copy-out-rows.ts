import type pg from 'pg';

/** Called with each row of a `COPY … TO STDOUT` (text format): data[start, end), its newline left out. */
export type RowSink = (data: Buffer, start: number, end: number) => void;

/**
 * Runs `COPY … TO STDOUT` on a pg client and hands each row to `onRow` as it arrives; resolves with
 * the number of rows received. The server sends a text-format COPY one row per CopyData message, so the
 * rows are the messages: read here straight from the socket, in place, with nothing allocated per
 * row (only a message cut between two reads is joined).
 *
 * This is what pg-copy-streams' `to()` does, without its stream: it copies each message through a
 * buffer list and pushes the bytes into a Readable, and for millions of short rows that machinery
 * cost about as much CPU as hashing them (706 MB, 2.7M rows: ~2.6 CPU-s only to receive them,
 * against ~1.7 s here, most of it the kernel's socket reads). The sink runs synchronously, so a slow sink holds the socket: TCP is the
 * backpressure. It takes the socket over the same way (pg's own `data` listener set aside while the
 * COPY runs, given back for CommandComplete and ReadyForQuery, or an error, which pg then reports).
 */
export function copyOutRows(client: pg.Client, statement: string, onRow: RowSink): Promise<number> {
  return openCopyOut(client, statement, onRow).rows;
}

/** A `COPY … TO STDOUT` being read (copyOutRows), whose reader can wait. */
export interface CopyOut {
  /** The number of rows, once the COPY is over. */
  rows: Promise<number>;
  /**
   * Stops reading the socket once the rows already read are handed on: the server then waits
   * (TCP is the backpressure) until `resume`.
   */
  pause(): void;
  resume(): void;
  /** Stops reading for good: `rows` rejects with `reason`; the session, mid-COPY, cannot be used again. */
  destroy(reason?: unknown): void;
}

export function openCopyOut(client: pg.Client, statement: string, onRow: RowSink): CopyOut {
  let query!: CopyOutRows;
  const rows = new Promise<number>((resolve, reject) => {
    query = new CopyOutRows(statement, onRow, resolve, reject);
  });
  // A Submittable: pg calls submit() with the connection when the query's turn comes.
  void client.query(query as unknown as pg.QueryConfig);
  return { rows, pause: () => query.pause(), resume: () => query.resume(), destroy: (reason) => query.destroy(reason) };
}

interface Connection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): Array<(chunk: Buffer) => void> };
  query(text: string): void;
}

const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'
const PARAMETER_STATUS = 0x53; // 'S'
const NOTICE = 0x4e; // 'N'
const NOTIFICATION = 0x41; // 'A'

class CopyOutRows {
  #connection?: Connection;
  #pgHandler?: (chunk: Buffer) => void;
  /** The start of a message the last read cut. */
  #carry?: Buffer;
  #rowCount = 0;
  #detached = false;
  /** The sink's first error: the COPY is read to its end and this is reported then. */
  #sinkError?: Error;
  readonly #onReadable = () => this.#read();
  #paused = false;
  #reading = false;

  constructor(
    readonly text: string,
    private readonly onRow: RowSink,
    private readonly resolve: (rows: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** pg's Submittable contract: an error returned (not thrown) is reported through handleError. */
  submit(connection: Connection): Error | undefined {
    if (this.#detached) return new Error('the COPY was stopped before it was sent');
    this.#connection = connection;
    const stream = connection.stream;
    const handlers = stream.listeners('data');
    if (handlers.length !== 1) return new Error(`copyOutRows: the connection has ${handlers.length} data listeners, not pg's one`);
    this.#pgHandler = handlers[0];
    stream.removeListener('data', this.#pgHandler);
    stream.pause();
    stream.on('readable', this.#onReadable);
    connection.query(this.text);
    return undefined;
  }

  #read(): void {
    if (this.#reading || this.#detached) return;
    this.#reading = true;
    try {
      const stream = this.#connection!.stream;
      // pg's socket gives Buffers (no encoding is set on it).
      for (let chunk: Buffer | null; !this.#paused && (chunk = stream.read() as Buffer | null) !== null; ) {
        this.#parse(chunk);
        if (this.#detached) return;
      }
    } finally {
      this.#reading = false;
    }
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Not yet submitted (pg reads the socket for it once it is), or read on: what waits is read now.
    if (this.#connection) this.#read();
  }

  destroy(reason?: unknown): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#connection?.stream.removeListener('readable', this.#onReadable);
    this.reject(reason instanceof Error ? reason : new Error('the COPY was stopped'));
  }

  #parse(input: Buffer): void {
    let data = input;
    if (this.#carry) {
      data = Buffer.concat([this.#carry, input]);
      this.#carry = undefined;
    }
    let at = 0;
    while (at + 5 <= data.length) {
      const code = data[at];
      const end = at + 1 + data.readUInt32BE(at + 1);
      if (code === COPY_DATA) {
        if (end > data.length) break;
        // A row ends with its newline; the sink gets it without.
        const rowEnd = data[end - 1] === 0x0a ? end - 1 : end;
        this.#rowCount++;
        try {
          this.onRow(data, at + 5, rowEnd);
        } catch (error) {
          // The sink failed: the rest of the COPY is read and dropped, and the error reported at the end.
          this.#sinkError ??= error as Error;
        }
        at = end;
      } else if (code === COPY_OUT_RESPONSE || code === PARAMETER_STATUS || code === NOTICE || code === NOTIFICATION) {
        // Messages the COPY may carry between rows: pg has nothing to do for them here.
        if (end > data.length) break;
        at = end;
      } else {
        // CopyDone, CommandComplete, an ErrorResponse…: the COPY is over; pg reads the rest.
        this.#detach(data.subarray(at));
        return;
      }
    }
    if (at < data.length) this.#carry = Buffer.from(data.subarray(at));
  }

  #detach(rest: Buffer): void {
    this.#detached = true;
    const stream = this.#connection!.stream;
    stream.removeListener('readable', this.#onReadable);
    stream.on('data', this.#pgHandler!);
    this.#pgHandler!(rest);
    // pg's handler may pause the stream; it flows again on the next tick, as pg-copy-streams does.
    process.nextTick(() => stream.resume());
  }

  // pg's callbacks for the messages after the COPY.
  handleCopyData(): void {}
  handleCommandComplete(): void {}
  handleReadyForQuery(): void {
    if (this.#sinkError) this.reject(this.#sinkError);
    else this.resolve(this.#rowCount);
  }
  handleError(error: Error): void {
    this.#detached = true;
    this.#connection?.stream.removeListener('readable', this.#onReadable);
    this.reject(error);
  }
}
