/**
 * MD5 (RFC 1321) of a short message that sits at the start of a buffer the caller owns, in plain
 * JavaScript: the content digest hashes every row on its own (millions of messages of a few hundred
 * bytes), where a WASM or OpenSSL hasher costs more in calls, copies and result objects per row than
 * in hashing (measured: docs/benchmarks.md, case 9). The padding is written into the buffer after
 * the message, so nothing is copied or allocated per message.
 */
export class Md5Buffer {
  /** The message goes here (from byte 0); `room` bytes are always left for the padding. */
  bytes: Buffer;
  #words: Int32Array;
  /** The digest of the last `hash`: md5's four state words (each little-endian, as md5 prints them). */
  readonly state = new Int32Array(4);

  constructor(size: number) {
    const buffer = new ArrayBuffer(alignedSize(size));
    this.bytes = Buffer.from(buffer);
    this.#words = new Int32Array(buffer);
  }

  /** Makes room for a message of `length` bytes (its content is lost). */
  ensure(length: number): void {
    if (this.bytes.length >= length + PADDING) return;
    const buffer = new ArrayBuffer(alignedSize(2 * length));
    this.bytes = Buffer.from(buffer);
    this.#words = new Int32Array(buffer);
  }

  /** Hashes bytes[0, length) into `state`. */
  hash(length: number): void {
    const bytes = this.bytes;
    // Padding: 0x80, zeros up to 56 mod 64, the length in bits (64-bit little-endian).
    let end = length + 1;
    bytes[length] = 0x80;
    const blocksEnd = (((length + 8) >> 6) + 1) << 6;
    while (end < blocksEnd - 8) bytes[end++] = 0;
    const bits = length * 8;
    bytes[end++] = bits & 0xff;
    bytes[end++] = (bits >>> 8) & 0xff;
    bytes[end++] = (bits >>> 16) & 0xff;
    bytes[end++] = (bits >>> 24) & 0xff;
    const high = Math.floor(length / 0x20000000);
    bytes[end++] = high & 0xff;
    bytes[end++] = (high >>> 8) & 0xff;
    bytes[end++] = (high >>> 16) & 0xff;
    bytes[end++] = (high >>> 24) & 0xff;
    if (!LITTLE_ENDIAN) swapWords(bytes, blocksEnd);
    md5Blocks(this.#words, blocksEnd >> 2, this.state);
  }
}

/** The most padding a message takes: 1 + 63 + 8 bytes. */
const PADDING = 72;

function alignedSize(size: number): number {
  return (Math.max(size, 256) + PADDING + 7) & ~7;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** On a big-endian host the words are read as little-endian: each is reversed in place first. */
function swapWords(bytes: Buffer, end: number): void {
  for (let i = 0; i < end; i += 4) {
    const a = bytes[i];
    const b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/** The compression function over the padded message's words [0, count), from md5's initial state. */
function md5Blocks(w: Int32Array, count: number, state: Int32Array): void {
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  for (let k = 0; k < count; k += 16) {
    const x0 = w[k], x1 = w[k + 1], x2 = w[k + 2], x3 = w[k + 3], x4 = w[k + 4], x5 = w[k + 5], x6 = w[k + 6], x7 = w[k + 7];
    const x8 = w[k + 8], x9 = w[k + 9], x10 = w[k + 10], x11 = w[k + 11], x12 = w[k + 12], x13 = w[k + 13], x14 = w[k + 14], x15 = w[k + 15];
    const aa = a, bb = b, cc = c, dd = d;
    let t: number;
    // Round 1: F = (b & c) | (~b & d)
    t = (a + ((b & c) | (~b & d)) + x0 - 680876936) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + x1 - 389564586) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + x2 + 606105819) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + x3 - 1044525330) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & c) | (~b & d)) + x4 - 176418897) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + x5 + 1200080426) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + x6 - 1473231341) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + x7 - 45705983) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & c) | (~b & d)) + x8 + 1770035416) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + x9 - 1958414417) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + x10 - 42063) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + x11 - 1990404162) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & c) | (~b & d)) + x12 + 1804603682) | 0; a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + x13 - 40341101) | 0; d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + x14 - 1502002290) | 0; c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + x15 + 1236535329) | 0; b = (((t << 22) | (t >>> 10)) + c) | 0;
    // Round 2: G = (b & d) | (c & ~d)
    t = (a + ((b & d) | (c & ~d)) + x1 - 165796510) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + x6 - 1069501632) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + x11 + 643717713) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + x0 - 373897302) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + x5 - 701558691) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + x10 + 38016083) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + x15 - 660478335) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + x4 - 405537848) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + x9 + 568446438) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + x14 - 1019803690) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + x3 - 187363961) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + x8 + 1163531501) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + x13 - 1444681467) | 0; a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + x2 - 51403784) | 0; d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + x7 + 1735328473) | 0; c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + x12 - 1926607734) | 0; b = (((t << 20) | (t >>> 12)) + c) | 0;
    // Round 3: H = b ^ c ^ d
    t = (a + (b ^ c ^ d) + x5 - 378558) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + x8 - 2022574463) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + x11 + 1839030562) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + x14 - 35309556) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (b ^ c ^ d) + x1 - 1530992060) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + x4 + 1272893353) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + x7 - 155497632) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + x10 - 1094730640) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (b ^ c ^ d) + x13 + 681279174) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + x0 - 358537222) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + x3 - 722521979) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + x6 + 76029189) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (b ^ c ^ d) + x9 - 640364487) | 0; a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + x12 - 421815835) | 0; d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + x15 + 530742520) | 0; c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + x2 - 995338651) | 0; b = (((t << 23) | (t >>> 9)) + c) | 0;
    // Round 4: I = c ^ (b | ~d)
    t = (a + (c ^ (b | ~d)) + x0 - 198630844) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + x7 + 1126891415) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + x14 - 1416354905) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + x5 - 57434055) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + x12 + 1700485571) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + x3 - 1894986606) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + x10 - 1051523) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + x1 - 2054922799) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + x8 + 1873313359) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + x15 - 30611744) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + x6 - 1560198380) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + x13 + 1309151649) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + x4 - 145523070) | 0; a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + x11 - 1120210379) | 0; d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + x2 + 718787259) | 0; c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + x9 - 343485551) | 0; b = (((t << 21) | (t >>> 11)) + c) | 0;
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}
