import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * The live progress line (Output.status) on stderr: `applying 0003_backfill (12 s)`, redrawn with
 * the time so far. The embedded database (PGlite) runs each statement synchronously on this thread,
 * so during a long statement no timer here can fire: a 13 s restore showed nothing. The redrawing
 * is therefore done by a small worker thread, whose event loop keeps running, writing straight to
 * fd 2. Both threads take a lock in shared memory around every write to the line, and the worker
 * draws only the status whose generation is still live, so a status that ended is never redrawn.
 */
const LOCK = 0;
const GENERATION = 1;
const SHOWN = 2;

/** Shown once the operation has taken this long: quick ones print nothing. */
const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 250;

const TICKER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const words = new Int32Array(workerData.shared);
let live;
parentPort.on('message', (m) => { live = m || undefined; draw(); });
setInterval(draw, ${REDRAW_MS});
function draw() {
  if (!live || Date.now() - live.since < ${SHOW_AFTER_MS}) return;
  while (Atomics.compareExchange(words, ${LOCK}, 0, 1) !== 0) Atomics.wait(words, ${LOCK}, 1, 5);
  try {
    if (Atomics.load(words, ${GENERATION}) !== live.generation) return;
    fs.writeSync(2, '\\r\\x1b[K' + live.text + ' ' + workerData.dim[0] + '(' + ((Date.now() - live.since) / 1000).toFixed(0) + ' s)' + workerData.dim[1]);
    Atomics.store(words, ${SHOWN}, 1);
  } catch {} finally {
    Atomics.store(words, ${LOCK}, 0);
    Atomics.notify(words, ${LOCK});
  }
}
`;

export class StatusLine {
  readonly #dim: [string, string];
  readonly #words = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  #worker: Worker | undefined;
  /** Where a worker cannot start: redrawn by a timer here (between statements only). */
  #timer: NodeJS.Timeout | undefined;
  #generation = 0;
  #live: { text: string; since: number } | undefined;

  /** `dim`: the escape codes around the elapsed time (empty without colour). */
  constructor(dim: [string, string]) {
    this.#dim = dim;
  }

  /** Starts the line, or changes its text (the time runs on). `text` is already redacted. */
  set(text: string): void {
    if (!this.#live) {
      this.#generation++;
      this.#live = { text, since: Date.now() };
      this.#locked(() => {
        Atomics.store(this.#words, GENERATION, this.#generation);
        Atomics.store(this.#words, SHOWN, 0);
      });
      this.#start();
    } else {
      this.#live.text = text;
      // The next statement may block this thread at once: the worker has the new text already.
      this.#locked(() => {
        if (Atomics.load(this.#words, SHOWN)) this.#draw();
      });
    }
    this.#worker?.postMessage({ generation: this.#generation, ...this.#live });
  }

  /** Ends the line, erasing it if it is shown. */
  clear(): void {
    if (!this.#live) return;
    this.#live = undefined;
    this.#locked(() => {
      Atomics.store(this.#words, GENERATION, 0);
      if (Atomics.load(this.#words, SHOWN)) fs.writeSync(2, '\r\x1b[K');
      Atomics.store(this.#words, SHOWN, 0);
    });
    this.#worker?.postMessage(null);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Other output while the line is live: goes above it. */
  around(write: () => void): void {
    if (!this.#live) return write();
    this.#locked(() => {
      const shown = Atomics.load(this.#words, SHOWN);
      if (shown) fs.writeSync(2, '\r\x1b[K');
      write();
      if (shown) this.#draw();
    });
  }

  #start(): void {
    if (this.#worker) return;
    try {
      this.#worker = new Worker(TICKER, { eval: true, workerData: { shared: this.#words.buffer, dim: this.#dim } });
      this.#worker.unref(); // never keeps the process alive
      this.#worker.on('error', () => {
        this.#worker = undefined;
        this.#fallback();
      });
    } catch {
      this.#fallback();
    }
  }

  #fallback(): void {
    if (this.#timer || !this.#live) return;
    this.#timer = setInterval(() => this.#locked(() => this.#draw()), REDRAW_MS);
    this.#timer.unref();
  }

  /** Draws the line (with the lock held). */
  #draw(): void {
    const live = this.#live;
    if (!live || Date.now() - live.since < SHOW_AFTER_MS) return;
    fs.writeSync(2, `\r\x1b[K${live.text} ${this.#dim[0]}(${((Date.now() - live.since) / 1000).toFixed(0)} s)${this.#dim[1]}`);
    Atomics.store(this.#words, SHOWN, 1);
  }

  #locked(fn: () => void): void {
    while (Atomics.compareExchange(this.#words, LOCK, 0, 1) !== 0) Atomics.wait(this.#words, LOCK, 1, 5);
    try {
      fn();
    } finally {
      Atomics.store(this.#words, LOCK, 0);
      Atomics.notify(this.#words, LOCK);
    }
  }
}
