import type { DbctlErrorCode } from '../errors.js';

/**
 * The one SQLSTATE table: every server error code dbctl reacts to, by its Postgres name, and the
 * catalogue code it becomes (its kind gives the exit code). `code` is what it means wherever it is
 * met outside a migration's or seed's own SQL; `creating` is what it means when CREATE DATABASE
 * fails (a test database or a clone: the role, the template, the disk). A row without `code` is
 * named here only so callers ask by name (a duplicate database counts as existing; a lock not
 * available is the caller's own timeout). Anything not listed stays the error it is.
 */
export const SQLSTATES = {
  '08000': { name: 'connection_exception', code: 'connection_lost' },
  '08003': { name: 'connection_does_not_exist', code: 'connection_lost' },
  '08006': { name: 'connection_failure', code: 'connection_lost' },
  '0A000': { name: 'feature_not_supported' },
  '28000': { name: 'invalid_authorization_specification', code: 'auth_failed' },
  '28P01': { name: 'invalid_password', code: 'auth_failed' },
  '3D000': { name: 'invalid_catalog_name', code: 'database_missing' },
  '42501': { name: 'insufficient_privilege', code: 'permission_denied', creating: 'no_createdb' },
  '3F000': { name: 'invalid_schema_name' },
  '42P01': { name: 'undefined_table' },
  '42P04': { name: 'duplicate_database' },
  '53100': { name: 'disk_full', code: 'disk_full', creating: 'disk_full' },
  // "out of shared memory": most often the lock table (max_locks_per_transaction), full with one
  // big transaction's locks (a 1,000-table schema) or with every session's together.
  '53200': { name: 'out_of_memory', code: 'server_out_of_memory' },
  '55006': { name: 'object_in_use', code: 'database_in_use', creating: 'template_in_use' },
  '55P03': { name: 'lock_not_available' },
  '57P01': { name: 'admin_shutdown', code: 'connection_lost' }, // pg_terminate_backend
  '57P02': { name: 'crash_shutdown', code: 'connection_lost' },
  '57P03': { name: 'cannot_connect_now', code: 'connection_lost' },
} as const satisfies Record<string, { name: string; code?: DbctlErrorCode; creating?: DbctlErrorCode }>;

type Row = { name: string; code?: DbctlErrorCode; creating?: DbctlErrorCode };
export type SqlstateName = (typeof SQLSTATES)[keyof typeof SQLSTATES]['name'];

const ROWS: Readonly<Record<string, Row>> = SQLSTATES;

/** The catalogue code of each SQLSTATE that has one (the table's `code` column). */
export const SQLSTATE_CODES: Readonly<Record<string, DbctlErrorCode>> = Object.fromEntries(
  Object.entries(ROWS).flatMap(([sqlstate, row]) => (row.code ? [[sqlstate, row.code]] : [])),
);

/** The catalogue code of a Postgres error's SQLSTATE, if it has one; `creating`: as CREATE DATABASE met it. */
export function codeForSqlstate(sqlstate: string | undefined, context: 'any' | 'creating' = 'any'): DbctlErrorCode | undefined {
  const row = sqlstate === undefined ? undefined : ROWS[sqlstate];
  return context === 'creating' ? row?.creating : row?.code;
}

/** Whether `error` is a Postgres error with the SQLSTATE the table names `name`. */
export function hasSqlstate(error: unknown, name: SqlstateName): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ROWS[code]?.name === name;
}

/** The SQLSTATEs whose catalogue code is `code`. */
export function sqlstatesOf(code: DbctlErrorCode): string[] {
  return Object.keys(SQLSTATE_CODES).filter((s) => SQLSTATE_CODES[s] === code);
}
