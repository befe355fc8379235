import { digestOf, type ContentSums } from './contents.js';
import { Md5Buffer } from './md5-block.js';

/**
 * The catalog's content digest (src/catalog/contents.ts) computed from COPY text rows as pg_dump
 * writes them, so a backup reads the data once: each COPY line is turned back into the row's text
 * form (`(r.*)::text`, record_out's quoting) and md5-hashed; the two signed 64-bit halves are summed.
 * The same rows give the same digest as the server's query, which a restore verifies with.
 *
 * It holds only when the COPY lists every column of the row (pg_dump leaves generated columns out:
 * such tables are hashed on the server) and the dump ran with the canonical settings
 * (`canonicalDumpEnv`).
 */
export class CopyDigest {
  /** Row count; the sums of the halves' high (signed) and low (unsigned) 32 bits, flushed to bigint. */
  #rows = 0;
  #hiA = 0;
  #loA = 0;
  #hiB = 0;
  #loB = 0;
  #sums: ContentSums = { rows: 0n, a: 0n, b: 0n };
  /** The row's record text is written into the hasher's own buffer: hashed where it lies. */
  #md5 = new Md5Buffer(1 << 16);
  #pending: Buffer | undefined;
  /** The `\.` line ends a table's data: what follows (blank lines) is no row. */
  #ended = false;

  private constructor() {}

  static async create(): Promise<CopyDigest> {
    return new CopyDigest();
  }

  /** Feeds the next bytes of the data (any cut: a line may span chunks). */
  update(chunk: Buffer): void {
    let data = chunk;
    if (this.#pending) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = undefined;
    }
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1 && !this.#ended; nl = data.indexOf(10, start)) {
      this.#line(data, start, nl);
      start = nl + 1;
    }
    if (start < data.length && !this.#ended) this.#pending = Buffer.from(data.subarray(start));
  }

  /** Feeds one whole row (a COPY line without its newline), as src/driver/pg/copy-out-rows.ts gives them. */
  row(data: Buffer, start: number, end: number): void {
    this.#line(data, start, end);
  }

  /** The table's row count and digest (the data must have ended with its `\.` line). */
  finish(): { rows: number; digest: string; complete: boolean } {
    this.#flush();
    return { rows: Number(this.#sums.rows), digest: digestOf(this.#sums), complete: this.#ended };
  }

  #line(data: Buffer, start: number, end: number): void {
    if (end - start === 2 && data[start] === 0x5c && data[start + 1] === 0x2e) {
      this.#ended = true;
      return;
    }
    this.#md5.hash(this.#record(data, start, end));
    const m = this.#md5.state;
    // md5's bytes are its state words, each little-endian; m::bit(64)::bigint reads them
    // big-endian, as two's complement: the high word signed, the low one unsigned.
    this.#hiA += swap(m[0]);
    this.#loA += swap(m[1]) >>> 0;
    this.#hiB += swap(m[2]);
    this.#loB += swap(m[3]) >>> 0;
    // Exact in doubles up to 2^53: at most 2^21 rows of 2^32 each before moving them to bigint.
    if (++this.#rows === 1 << 20) this.#flush();
  }

  #flush(): void {
    const s = this.#sums;
    s.rows += BigInt(this.#rows);
    s.a += (BigInt(this.#hiA) << 32n) + BigInt(this.#loA);
    s.b += (BigInt(this.#hiB) << 32n) + BigInt(this.#loB);
    this.#rows = this.#hiA = this.#loA = this.#hiB = this.#loB = 0;
  }

  /** Writes the record text of the COPY line data[start, end) into the hasher's buffer; returns its length. */
  #record(data: Buffer, start: number, end: number): number {
    // Worst case: every byte doubled, every field quoted (an empty one: 3 bytes for its tab), parentheses.
    this.#md5.ensure(3 * (end - start) + 8);
    const out = this.#md5.bytes;
    let o = 0;
    out[o++] = 0x28; // (
    let i = start;
    for (;;) {
      // One field: from i to the next tab (or the end), noting on the way whether any byte needs
      // more than copying (an escape to undo, a quote to double: REWRITE) or only quotes around
      // the field (a space, a comma, a parenthesis: QUOTE). Most need at most the quotes.
      let fieldEnd = i;
      let kind = 0;
      for (let c: number; fieldEnd < end && (c = data[fieldEnd]) !== 9; fieldEnd++) kind |= SPECIAL[c];
      const length = fieldEnd - i;
      // `\N` alone is NULL: nothing is written. An empty string is quoted (#field).
      if (kind < REWRITE && length > 0) {
        if (kind) out[o++] = 0x22;
        // Long fields by memcpy; a loop is cheaper than the call for a few bytes.
        if (length > 16) o += data.copy(out, o, i, fieldEnd);
        else for (let k = i; k < fieldEnd; k++) out[o++] = data[k];
        if (kind) out[o++] = 0x22;
      } else if (!(length === 2 && data[i] === 0x5c && data[i + 1] === 0x4e)) o = this.#field(data, i, fieldEnd, out, o);
      if (fieldEnd >= end) break;
      out[o++] = 0x2c; // ,
      i = fieldEnd + 1;
    }
    out[o++] = 0x29; // )
    return o;
  }

  /** One field: COPY's escapes undone, then quoted as record_out quotes (rowtypes.c). */
  #field(data: Buffer, i: number, end: number, out: Buffer, o: number): number {
    const open = o;
    out[o++] = 0x22; // a quote, kept only if the value needs it
    let quote = i === end; // an empty string is quoted
    while (i < end) {
      let c = data[i++];
      if (c === 0x5c && i < end) c = unescape(data, i, end, (n) => (i += n));
      if (c === 0x22 || c === 0x5c) {
        out[o++] = c;
        quote = true;
      } else if (c === 0x28 || c === 0x29 || c === 0x2c || c === 0x20 || (c >= 9 && c <= 13)) quote = true;
      out[o++] = c;
    }
    if (quote) {
      out[o++] = 0x22;
      return o;
    }
    out.copyWithin(open, open + 1, o);
    return o - 1;
  }
}

/** A 32-bit word's bytes reversed (signed). */
function swap(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** Bytes a field cannot just be copied with: COPY's escape, and what record_out quotes for (rowtypes.c; 9–13 come escaped). */
const SPECIAL = new Uint8Array(256);
/** A byte record_out quotes the field for: copied as it is, between quotes. */
const QUOTE = 1;
/** COPY's escape (undone) or a byte record_out doubles: the field is rewritten byte by byte (#field). */
const REWRITE = 2;
for (const c of [0x28, 0x29, 0x2c, 0x20, 9, 10, 11, 12, 13]) SPECIAL[c] = QUOTE;
for (const c of [0x5c, 0x22]) SPECIAL[c] = REWRITE;

const SIMPLE: Record<number, number> = { 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };

/** The byte a COPY escape (after its backslash, at data[i]) stands for; `advance` consumes its bytes. */
function unescape(data: Buffer, i: number, end: number, advance: (n: number) => void): number {
  const c = data[i];
  const simple = SIMPLE[c];
  if (simple !== undefined) {
    advance(1);
    return simple;
  }
  if (c >= 0x30 && c <= 0x37) {
    let value = 0;
    let n = 0;
    while (n < 3 && i + n < end && data[i + n] >= 0x30 && data[i + n] <= 0x37) value = value * 8 + data[i + n++] - 0x30;
    advance(n);
    return value & 0xff;
  }
  if (c === 0x78 && i + 1 < end && isHex(data[i + 1])) {
    let value = 0;
    let n = 1;
    while (n < 3 && i + n < end && isHex(data[i + n])) value = value * 16 + parseInt(String.fromCharCode(data[i + n++]), 16);
    advance(n);
    return value;
  }
  advance(1);
  return c;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
