import { ConnectionError } from '../errors.js';
import { redact } from '../secrets.js';
import { sqlstatesOf } from '../sql/sqlstate.js';

/**
 * The session is gone: the backend was terminated (pg_terminate_backend: 57P01), the server shut
 * down, crashed or is not accepting sessions (57P01/57P02/57P03), or the socket broke. Which
 * SQLSTATEs mean that is decided once, by the SQLSTATE table in src/sql/sqlstate.ts (its `connection_lost`
 * rows). A transaction in progress is rolled back by the server when its session dies, so what was
 * interrupted never half-applies; the error must say so instead of crashing or blaming the SQL.
 */
const LOST_SQLSTATES = new Set(sqlstatesOf('connection_lost'));
const LOST_CODES = new Set([...LOST_SQLSTATES, 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);
const LOST_MESSAGE = /Connection terminated|connection (?:was )?(?:closed|ended|lost)|Client has encountered a connection error|terminating connection|server closed the connection|not queryable/i;

/**
 * A session the server accepted and then ended, met while connecting: a lost SQLSTATE, or a socket
 * closed (or reset) right after it opened. A refused or unreachable socket is not one: nothing was
 * there to lose (while connecting that is "cannot connect", not "lost").
 */
export function isLostSession(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (typeof e?.code === 'string' && (LOST_SQLSTATES.has(e.code) || e.code === 'ECONNRESET')) || (typeof e?.message === 'string' && /Connection terminated unexpectedly/i.test(e.message));
}

/** True when `error`, or any error in its `cause` chain, is a lost connection. */
export function isConnectionLost(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown; original?: unknown } | undefined, depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === 'string' && LOST_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && LOST_MESSAGE.test(e.message)) return true;
    e = (e.original ?? e.cause) as typeof e;
  }
  return false;
}

/** The innermost message of a lost connection, for one line of text. */
function reasonOf(error: unknown): string {
  let e = error as { message?: string; cause?: unknown; original?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.message === 'string' && LOST_MESSAGE.test(e.message)) return redact(e.message.split('\n')[0]);
    e = (e.original ?? e.cause) as typeof e;
  }
  return redact(String((error as Error)?.message ?? error).split('\n')[0]);
}

/**
 * `lost the connection to the database during <what>: <reason>; <outcome>` (exit 3).
 * `outcome` says what became of the interrupted work, e.g. "it was rolled back".
 */
export function connectionLostError(what: string, error: unknown, outcome: string, data: Record<string, unknown> = {}): ConnectionError {
  return new ConnectionError(`lost the connection to the database during ${what}: ${reasonOf(error)}; ${outcome}`, {
    hint: 'check that the server is up (dbctl db wait), then run the command again',
    data: { interrupted: what, ...data },
    cause: error,
  }, 'connection_lost');
}
