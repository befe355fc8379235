import type { TableInfo } from '../schema/model.js';
import { ident } from '../schema/sql-names.js';
import { nameOf } from './context.js';
import { step, type Step } from './step.js';

/**
 * The online-safe rewrites (the ones pg-schema-diff makes). Each long step runs outside a
 * transaction so that the brief ACCESS EXCLUSIVE lock of the first statement is released before
 * the long scan, which holds only SHARE UPDATE EXCLUSIVE.
 */

/** A name of at most 63 bytes (Postgres truncates longer ones, which would break a later DROP). */
export function shortName(name: string): string {
  return Buffer.byteLength(name) <= 63 ? name : Buffer.from(name).subarray(0, 55).toString().replace(/\uFFFD+$/, '') + '_' + hash(name);
}

function hash(text: string): string {
  let h = 5381;
  for (const ch of text) h = ((h * 33) ^ ch.codePointAt(0)!) >>> 0;
  return h.toString(36).slice(0, 7);
}

/** SET NOT NULL through a NOT VALID check: the scan happens in VALIDATE, and SET NOT NULL uses the check instead of scanning. */
export function setNotNullOnline(t: TableInfo, column: string, object: string): Step[] {
  const check = ident(shortName(`dbctl_nn_${t.name}_${column}`));
  const table = nameOf(t);
  return [
    step(object, `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${ident(column)} IS NOT NULL) NOT VALID;`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']),
    step(object, `ALTER TABLE ${table} VALIDATE CONSTRAINT ${check};`, ['DATA_DEPENDENT'], false),
    step(object, `ALTER TABLE ${table} ALTER COLUMN ${ident(column)} SET NOT NULL;`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']),
    step(object, `ALTER TABLE ${table} DROP CONSTRAINT ${check};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']),
  ];
}

/** A foreign key or check on an existing table: added NOT VALID (no scan under the lock), then validated on its own. */
export function addConstraintOnline(table: string, name: string, definition: string, object: string): Step[] {
  return [
    step(object, `ALTER TABLE ${table} ADD CONSTRAINT ${ident(name)} ${definition} NOT VALID;`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']),
    step(object, `ALTER TABLE ${table} VALIDATE CONSTRAINT ${ident(name)};`, ['ACQUIRES_SHARE_LOCK', 'DATA_DEPENDENT'], false),
  ];
}

/** `CREATE [UNIQUE] INDEX name ON …` as CONCURRENTLY, optionally under another name. */
export function concurrently(definition: string, rename?: { from: string; to: string }): string {
  let sql = definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ');
  if (rename) sql = sql.replace(`CONCURRENTLY ${ident(rename.from)} ON `, `CONCURRENTLY ${ident(rename.to)} ON `);
  return `${sql};`;
}
