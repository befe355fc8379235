import { ConnectionError } from '../errors.js';
import { redact } from '../secrets.js';

/**
 * SQLSTATEs and socket errors that mean the session is gone: the backend was terminated
 * (pg_terminate_backend: 57P01), the server shut down or restarted (57P01/57P02/57P03), or the socket
 * broke. A transaction in progress is rolled back by the server when its session dies, so what was
 * interrupted never half-applies; the error must say so instead of crashing or blaming the SQL.
 */
const LOST_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);
const LOST_MESSAGE = /Connection terminated|connection (?:was )?(?:closed|ended|lost)|Client has encountered a connection error|terminating connection|server closed the connection|not queryable/i;

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
