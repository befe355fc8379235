import { createHash } from 'node:crypto';

/**
 * HMAC-SHA256 (RFC 2104) under one key, for many short values: the same bytes as node's
 * createHmac. Masking hashes every masked value; node's Hash objects cost ~5 µs each to make and
 * copy, which held six masked columns to a few thousand rows/s. Here the key's inner and outer pad
 * blocks are compressed once, and a value costs two or three compressions in plain JS on buffers
 * reused from call to call.
 */
export class HmacSha256 {
  readonly #inner = new Int32Array(8);
  readonly #outer = new Int32Array(8);
  readonly #state = new Int32Array(8);
  readonly #w = new Int32Array(64);
  #block = Buffer.alloc(256);

  constructor(key: string | Buffer) {
    let k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (k.length > 64) k = createHash('sha256').update(k).digest();
    const pad = Buffer.alloc(64);
    for (const [state, byte] of [[this.#inner, 0x36], [this.#outer, 0x5c]] as const) {
      for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ byte;
      state.set(IV);
      compress(state, this.#w, pad, 0);
    }
  }

  /** HMAC(key, message): a string is hashed as UTF-8 (as createHmac's update does); a new 32-byte buffer. */
  digest(message: string | Buffer): Buffer {
    const room = message.length * 3 + 72;
    if (this.#block.length < room) this.#block = Buffer.alloc(room * 2);
    const block = this.#block;
    const length = typeof message === 'string' ? writeUtf8(block, message) : message.copy(block, 0);
    const state = this.#state;
    this.#finish(this.#inner, length);
    for (let i = 0, at = 0; i < 8; i++, at += 4) put(block, at, state[i]);
    this.#finish(this.#outer, 32);
    const out = Buffer.allocUnsafe(32);
    for (let i = 0, at = 0; i < 8; i++, at += 4) put(out, at, state[i]);
    return out;
  }

  /** Pads the `length` bytes at the start of the block (after one 64-byte key block) and hashes them from `from`. */
  #finish(from: Int32Array, length: number): void {
    const block = this.#block;
    const end = (((length + 9 + 63) / 64) | 0) * 64;
    block[length] = 0x80;
    for (let i = length + 1; i < end - 4; i++) block[i] = 0;
    put(block, end - 4, (length + 64) * 8);
    const state = this.#state;
    for (let i = 0; i < 8; i++) state[i] = from[i];
    for (let at = 0; at < end; at += 64) compress(state, this.#w, block, at);
  }
}

/** ASCII byte by byte (Buffer#write costs more than a short value's whole hash); anything else as UTF-8. */
function writeUtf8(block: Buffer, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return block.write(text, 0, 'utf8');
    block[i] = c;
  }
  return n;
}

function put(bytes: Uint8Array, at: number, word: number): void {
  bytes[at] = word >>> 24;
  bytes[at + 1] = word >>> 16;
  bytes[at + 2] = word >>> 8;
  bytes[at + 3] = word;
}

const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** One SHA-256 compression (FIPS 180-4) of the 64 bytes at `at` into `state`. */
function compress(state: Int32Array, w: Int32Array, bytes: Uint8Array, at: number): void {
  for (let i = 0, o = at; i < 16; i++, o += 4) w[i] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}
