import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import type { BuiltinMasker, MaskHelpers, MaskRule } from '../config/copy.js';
import { FAKER_REFERENCE_DATE } from '../seed/faker.js';
import { HmacSha256 } from './hmac-sha256.js';

/** Turns one column value (COPY text form, null for NULL) into its masked text. */
export type Masker = (value: string | null, row: () => Record<string, string | null>) => string | null;

/**
 * Documentation address ranges (RFC 5737) and drama numbers (Ofcom's 07700 900000–900999): no
 * real machine or person is behind them, so nothing in staging can reach one.
 */
const TEST_NETS = ['192.0.2', '198.51.100', '203.0.113'];
export const RESERVED_EMAIL_DOMAIN = 'example.com';

/**
 * Masking is keyed: HMAC(secret, kind + value) seeds faker, so a value becomes the same fake in
 * every table and every run (joins and unique keys survive), and without the secret the fakes
 * cannot be traced back by hashing candidate values.
 */
export class MaskKit {
  readonly #faker: Faker;
  readonly #hmac: HmacSha256;
  constructor(secret: string) {
    this.#hmac = new HmacSha256(secret);
    const FakerClass = english.constructor as typeof Faker;
    this.#faker = new FakerClass({ locale: english.rawDefinitions });
    this.#faker.setDefaultRefDate(FAKER_REFERENCE_DATE);
  }

  hash(text: string): string {
    return this.digest(text).toString('hex');
  }

  /** HMAC-SHA256(secret, text): the bytes createHmac gives, at a fraction of its cost per value (hmac-sha256.ts). */
  digest(text: string): Buffer {
    return this.#hmac.digest(text);
  }

  /** The one faker, seeded for this value. */
  fakerFor(kind: string, value: string): Faker {
    const digest = this.digest(`${kind}\0${value}`);
    this.#faker.seed([0, 4, 8, 12].map((o) => digest.readUInt32BE(o)));
    return this.#faker;
  }

  /** The masker for a rule on `table.column`. */
  masker(rule: MaskRule, table: string, column: string): Masker {
    if (typeof rule === 'function') {
      return (value, row) => {
        const kit = this;
        // Seeding faker is the slow part: only a function that uses it pays for it.
        const helpers: MaskHelpers = { value, table, column, get faker() { return kit.fakerFor(`${table}.${column}`, value ?? ''); }, hash: (t) => kit.hash(t) };
        const out = rule(row(), helpers);
        return out === null || out === undefined ? null : String(out);
      };
    }
    if (typeof rule === 'object') return () => rule.constant;
    return this.builtin(rule);
  }

  builtin(kind: BuiltinMasker): Masker {
    if (kind === 'keep') return (v) => v;
    if (kind === 'null') return () => null;
    const make = BUILTINS[kind];
    return (value) => (value === null ? null : make(this, value));
  }
}

const D = english.rawDefinitions as unknown as {
  person: { first_name: { generic: string[] }; last_name: { generic: string[] } };
  location: { street_suffix: string[]; city_name: string[] };
  lorem: { word: string[] };
};
const FIRST = D.person.first_name.generic;
const LAST = D.person.last_name.generic;

/**
 * Choices drawn from one HMAC digest (rehashed when used up). Faker's own seeding costs ~0.2 ms a
 * value, which capped a masked column at a few thousand rows/s; picking from faker's word lists
 * with the digest's bytes costs a few microseconds, and is just as deterministic.
 */
/** The rehash of a used-up digest: HMAC keyed with 'more' (as it always was). */
const MORE = new HmacSha256('more');

class Picks {
  #digest: Buffer;
  #at = 0;
  constructor(digest: Buffer) {
    this.#digest = digest;
  }
  number(n: number): number {
    if (this.#at + 4 > this.#digest.length) {
      this.#digest = MORE.digest(this.#digest);
      this.#at = 0;
    }
    const v = this.#digest.readUInt32BE(this.#at);
    this.#at += 4;
    return v % n;
  }
  pick(list: string[]): string {
    return list[this.number(list.length)];
  }
}

const BUILTINS: Record<Exclude<BuiltinMasker, 'keep' | 'null'>, (kit: MaskKit, value: string) => string> = {
  email: (kit, v) => {
    const digest = kit.digest(`email\0${v.toLowerCase()}`);
    const p = new Picks(digest);
    const local = `${p.pick(FIRST)}.${p.pick(LAST)}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    // The tag keeps distinct addresses distinct (a unique column stays unique).
    return `${local}.${digest.toString('hex', 24, 28)}@${RESERVED_EMAIL_DOMAIN}`;
  },
  phone: (kit, v) => `+44 7700 900${String(kit.digest(`phone\0${v.replace(/\D/g, '')}`).readUInt32BE(0) % 1000).padStart(3, '0')}`,
  name: (kit, v) => {
    const p = new Picks(kit.digest(`name\0${v}`));
    return `${p.pick(FIRST)} ${p.pick(LAST)}`;
  },
  firstName: (kit, v) => new Picks(kit.digest(`firstName\0${v}`)).pick(FIRST),
  lastName: (kit, v) => new Picks(kit.digest(`lastName\0${v}`)).pick(LAST),
  address: (kit, v) => {
    const p = new Picks(kit.digest(`address\0${v}`));
    return `${1 + p.number(9999)} ${p.pick(LAST)} ${p.pick(D.location.street_suffix)}, ${p.pick(D.location.city_name)}`;
  },
  ip: (kit, v) => {
    const h = kit.digest(`ip\0${v}`).readUInt32BE(0);
    return `${TEST_NETS[h % 3]}.${1 + ((h >>> 2) % 254)}`;
  },
  text: (kit, v) => {
    // About as long as the original, so layouts and length checks still hold.
    const p = new Picks(kit.digest(`text\0${v}`));
    let out = p.pick(D.lorem.word);
    while (out.length < v.length) out += ` ${p.pick(D.lorem.word)}`;
    return out.slice(0, Math.max(v.length, 1));
  },
  hash: (kit, v) => {
    const h = kit.hash(`hash\0${v}`);
    // A uuid stays a uuid (a key column stays the type it is, and joins still match).
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    return h.slice(0, 32);
  },
};
