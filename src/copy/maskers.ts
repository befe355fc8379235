import { createHmac } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import type { BuiltinMasker, MaskHelpers, MaskRule } from '../config/copy.js';
import { FAKER_REFERENCE_DATE } from '../seed/faker.js';

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
  readonly #secret: string;
  readonly #faker: Faker;
  constructor(secret: string) {
    this.#secret = secret;
    const FakerClass = english.constructor as typeof Faker;
    this.#faker = new FakerClass({ locale: english.rawDefinitions });
    this.#faker.setDefaultRefDate(FAKER_REFERENCE_DATE);
  }

  hash(text: string): string {
    return createHmac('sha256', this.#secret).update(text).digest('hex');
  }

  /** The one faker, seeded for this value. */
  fakerFor(kind: string, value: string): Faker {
    const digest = createHmac('sha256', this.#secret).update(`${kind}\0${value}`).digest();
    this.#faker.seed([0, 4, 8, 12].map((o) => digest.readUInt32BE(o)));
    return this.#faker;
  }

  /** The masker for a rule on `table.column`. */
  masker(rule: MaskRule, table: string, column: string): Masker {
    if (typeof rule === 'function') {
      return (value, row) => {
        const helpers: MaskHelpers = { value, table, column, faker: this.fakerFor(`${table}.${column}`, value ?? ''), hash: (t) => this.hash(t) };
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

const BUILTINS: Record<Exclude<BuiltinMasker, 'keep' | 'null'>, (kit: MaskKit, value: string) => string> = {
  email: (kit, v) => {
    const f = kit.fakerFor('email', v.toLowerCase());
    const local = `${f.person.firstName()}.${f.person.lastName()}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    // The tag keeps distinct addresses distinct (a unique column stays unique).
    return `${local}.${kit.hash(`email\0${v.toLowerCase()}`).slice(0, 8)}@${RESERVED_EMAIL_DOMAIN}`;
  },
  phone: (kit, v) => `+44 7700 900${String(parseInt(kit.hash(`phone\0${v.replace(/\D/g, '')}`).slice(0, 8), 16) % 1000).padStart(3, '0')}`,
  name: (kit, v) => kit.fakerFor('name', v).person.fullName(),
  firstName: (kit, v) => kit.fakerFor('firstName', v).person.firstName(),
  lastName: (kit, v) => kit.fakerFor('lastName', v).person.lastName(),
  address: (kit, v) => {
    const f = kit.fakerFor('address', v);
    return `${f.location.streetAddress()}, ${f.location.city()}`;
  },
  ip: (kit, v) => {
    const h = parseInt(kit.hash(`ip\0${v}`).slice(0, 8), 16);
    return `${TEST_NETS[h % 3]}.${1 + ((h >>> 2) % 254)}`;
  },
  text: (kit, v) => {
    const f = kit.fakerFor('text', v);
    // About as long as the original, so layouts and length checks still hold.
    const words = Math.max(1, Math.round(v.length / 6));
    return f.lorem.words(words).slice(0, Math.max(v.length, 1));
  },
  hash: (kit, v) => {
    const h = kit.hash(`hash\0${v}`);
    // A uuid stays a uuid (a key column stays the type it is, and joins still match).
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    return h.slice(0, 32);
  },
};
