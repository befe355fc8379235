import { ConfigError } from '../errors.js';

/**
 * `copy` in dbctl.config.ts: what `dbctl db copy` takes from a source (the subset) and how it masks
 * what it takes (rules keyed by `table.column`, or `schema.table.column`). Types only and their
 * validation: src/copy/ reads them.
 */
export interface CopyConfig {
  /** Which rows to take; none = every row of every table. */
  subset?: CopySubsetConfig;
  /** A rule per column: `'users.email': 'email'`, `'users.bio': 'text'`, `'orders.note': (row) => …`. */
  mask?: Record<string, MaskRule>;
  /** Columns declared safe to copy as they are: `table.column`, or `table.*` for all of a table's. */
  safe?: string[];
  /**
   * Every column of every copied table must have a rule or be declared safe, else the copy fails
   * before any data moves. Default: on when the source environment is protected.
   */
  strict?: boolean;
  /** Relations the schema does not declare, followed like foreign keys (polymorphic pairs included). */
  virtualForeignKeys?: VirtualForeignKey[];
  /** Tables whose rows in the target are kept (e.g. staging's audit log): `--keep` adds to these. */
  keep?: string[];
  /** Parallel streams on the one snapshot (`--jobs`). Default 1. */
  jobs?: number;
}

/** The built-in maskers (src/copy/maskers.ts). */
export const BUILTIN_MASKERS = ['email', 'phone', 'name', 'firstName', 'lastName', 'address', 'ip', 'text', 'null', 'hash', 'keep'] as const;
export type BuiltinMasker = (typeof BUILTIN_MASKERS)[number];

/** A column's value in COPY text form (null for NULL), and the rest of its row by column name. */
export type MaskFunction = (row: Record<string, string | null>, helpers: MaskHelpers) => string | number | boolean | null;

export interface MaskHelpers {
  /** The column's own value. */
  value: string | null;
  table: string;
  column: string;
  /** A faker seeded from HMAC(secret, value): the same value gives the same fake everywhere. */
  faker: import('@faker-js/faker').Faker;
  /** HMAC(secret, text) as hex: a deterministic, joinable stand-in. */
  hash(text: string): string;
}

export type MaskRule = BuiltinMasker | { constant: string | null } | MaskFunction;

export interface CopySubsetConfig {
  /** Where the subset starts: rows picked by a `where` (SQL) or a percentage of a table. */
  start: SubsetStart[];
  /** How many children of each copied row are followed (per foreign key). Default 10; 0 = none. */
  childLimit?: number;
  /** Tables no copied row reaches: copied whole (`copy`), left empty (`empty`, default). */
  outside?: OutsideAction;
  /** The same per table, overriding `outside`. */
  tables?: Record<string, OutsideAction>;
}

export type OutsideAction = 'copy' | 'empty';

export interface SubsetStart {
  table: string;
  /** SQL condition on the table's rows, e.g. `created_at > now() - interval '30 days'`. */
  where?: string;
  /** Take this percentage of its rows (0 < percent <= 100), picked by a hash of each row's primary key (the whole row without one): the same rows each run. */
  percent?: number;
  /** What the user wrote it as, for errors about its `where` (the CLI's `--subset "people:…"`); default `copy.subset.start[N].where (table)`. */
  given?: string;
}

export interface VirtualForeignKey {
  /** The table holding the reference, e.g. `comments`. */
  table: string;
  columns: string[];
  /** The referenced table. */
  references: string;
  /** Default: the referenced table's primary key. */
  referencedColumns?: string[];
  /** Polymorphic: only rows whose columns hold these values, e.g. `{ subject_type: 'post' }`. */
  when?: Record<string, string>;
}

/** Throws a ConfigError naming the first `copy.…` key that does not fit. */
export function validateCopyConfig(value: unknown, file: string): void {
  const fail = (key: string, expected: string) => new ConfigError(`${file}: copy.${key} must be ${expected}`);
  if (!isObject(value)) throw new ConfigError(`${file}: copy must be an object`);
  const known = ['subset', 'mask', 'safe', 'strict', 'virtualForeignKeys', 'keep', 'jobs'];
  for (const key of Object.keys(value)) if (!known.includes(key)) throw new ConfigError(`${file}: unknown option "copy.${key}"`, { hint: `known options in copy: ${known.join(', ')}` });
  const v = value as CopyConfig;
  if (v.strict !== undefined && typeof v.strict !== 'boolean') throw fail('strict', 'true or false');
  if (v.jobs !== undefined && !(Number.isSafeInteger(v.jobs) && v.jobs > 0)) throw fail('jobs', 'a whole number of 1 or more');
  for (const key of ['safe', 'keep'] as const) {
    const list = v[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((s) => typeof s === 'string' && s.trim() !== ''))) throw fail(key, 'a list of non-empty strings');
  }
  if (v.mask !== undefined) validateMask(v.mask, fail);
  if (v.subset !== undefined) validateSubset(v.subset, fail);
  if (v.virtualForeignKeys !== undefined) validateVirtual(v.virtualForeignKeys, fail);
}

type Fail = (key: string, expected: string) => ConfigError;

function validateMask(mask: unknown, fail: Fail): void {
  if (!isObject(mask)) throw fail('mask', 'an object of `table.column` to rules');
  for (const [key, rule] of Object.entries(mask)) {
    if (!/^[^.]+\.[^.]+(\.[^.]+)?$/.test(key)) throw fail(`mask["${key}"]`, 'keyed by table.column or schema.table.column');
    const ok = typeof rule === 'function' || (typeof rule === 'string' && (BUILTIN_MASKERS as readonly string[]).includes(rule))
      || (isObject(rule) && Object.keys(rule).length === 1 && 'constant' in rule && (rule.constant === null || typeof rule.constant === 'string'));
    if (!ok) throw fail(`mask["${key}"]`, `one of ${BUILTIN_MASKERS.join(', ')}, { constant: '…' } or a function of the row`);
  }
}

function validateSubset(subset: unknown, fail: Fail): void {
  if (!isObject(subset)) throw fail('subset', 'an object');
  const s = subset as unknown as CopySubsetConfig;
  if (!Array.isArray(s.start) || !s.start.length) throw fail('subset.start', 'a non-empty list of { table, where } or { table, percent }');
  s.start.forEach((start, i) => {
    const key = `subset.start[${i}]`;
    if (!isObject(start) || typeof start.table !== 'string' || !start.table) throw fail(key, 'an object with a table');
    if (start.where !== undefined && typeof start.where !== 'string') throw fail(`${key}.where`, 'a string of SQL');
    if (start.percent !== undefined && !(typeof start.percent === 'number' && start.percent > 0 && start.percent <= 100)) throw fail(`${key}.percent`, 'a number above 0 and at most 100');
  });
  if (s.childLimit !== undefined && !(Number.isSafeInteger(s.childLimit) && s.childLimit >= 0)) throw fail('subset.childLimit', 'a whole number of 0 or more');
  const action = (a: unknown) => a === 'copy' || a === 'empty';
  if (s.outside !== undefined && !action(s.outside)) throw fail('subset.outside', "'copy' or 'empty'");
  if (s.tables !== undefined) {
    if (!isObject(s.tables)) throw fail('subset.tables', "an object of table names to 'copy' or 'empty'");
    for (const [t, a] of Object.entries(s.tables)) if (!action(a)) throw fail(`subset.tables.${t}`, "'copy' or 'empty'");
  }
}

function validateVirtual(list: unknown, fail: Fail): void {
  if (!Array.isArray(list)) throw fail('virtualForeignKeys', 'a list');
  list.forEach((fk, i) => {
    const key = `virtualForeignKeys[${i}]`;
    const strings = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string');
    if (!isObject(fk) || typeof fk.table !== 'string' || typeof fk.references !== 'string' || !strings(fk.columns)) {
      throw fail(key, 'an object { table, columns, references, referencedColumns?, when? }');
    }
    if (fk.referencedColumns !== undefined && !strings(fk.referencedColumns)) throw fail(`${key}.referencedColumns`, 'a list of column names');
    if (fk.when !== undefined && !(isObject(fk.when) && Object.values(fk.when).every((x) => typeof x === 'string'))) throw fail(`${key}.when`, 'an object of column names to values');
  });
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
