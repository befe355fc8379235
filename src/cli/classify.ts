import { connectionLostError, isConnectionLost } from '../driver/connection-lost.js';
import { errorFor, isDbctlError, UsageError } from '../errors.js';
import { codeForSqlstate } from '../sql/sqlstate.js';
import { redact } from '../secrets.js';

const FS_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent of it is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it already exists',
};

/**
 * Errors that are not DbctlErrors but are still the user's to fix, turned into one: a lost
 * connection (exit 3), a file path that cannot be read or written (exit 2), a server error whose
 * SQLSTATE the catalogue knows (a privilege the role lacks: exit 5). Anything else stays as it is: an internal error, i.e. a bug.
 */
export function classify(error: unknown, command: string): unknown {
  if (isDbctlError(error) && error.code !== 'failed') return error;
  if (isConnectionLost(error)) {
    return connectionLostError(`dbctl ${command}`, error, 'work in an open transaction was rolled back by the server; anything committed before stays');
  }
  if (isDbctlError(error)) return error;
  const e = error as { code?: string; path?: string; syscall?: string; message?: string; severity?: string };
  if (typeof e?.code === 'string' && FS_WORDS[e.code] && (e.path || e.syscall)) {
    return new UsageError(`cannot ${verb(e.syscall)} ${e.path ?? ''}: ${FS_WORDS[e.code]} (${e.code})`.replace(/ +:/, ':'), {
      hint: 'check the path in the option or config setting that names it',
      data: { path: e.path, errno: e.code },
      cause: error,
    }, 'file_error');
  }
  // A server error dbctl's own statements met (a migration's or seed's SQL is wrapped before this):
  // the one SQLSTATE table in src/sql/sqlstate.ts decides its code and exit code.
  const known = e?.severity ? codeForSqlstate(e.code) : undefined;
  if (known === 'permission_denied') {
    return errorFor(known, `permission denied: ${redact(String(e.message))}`, {
      hint: 'the database role lacks a privilege this needs: grant it, or connect as a role that has it (e.g. the owner)',
      data: { sqlstate: e.code },
      cause: error,
    });
  }
  if (known === 'server_out_of_memory') {
    return errorFor(known, `the server ran out of shared memory: ${redact(String(e.message))} (SQLSTATE ${e.code})`, {
      hint: 'most often its lock table is full (one transaction touching thousands of objects, or many sessions holding locks at once): raise max_locks_per_transaction on the server, or run less at once',
      data: { sqlstate: e.code },
      cause: error,
    });
  }
  if (known) return errorFor(known, `${redact(String(e.message))} (SQLSTATE ${e.code})`, { data: { sqlstate: e.code }, cause: error });
  return error;
}

function verb(syscall: string | undefined): string {
  if (!syscall) return 'use';
  if (/open|write|mkdir|rename|copy|unlink|rm|symlink|link|chmod/.test(syscall)) return syscall === 'open' ? 'open' : 'write';
  if (/read|stat|scandir|access/.test(syscall)) return 'read';
  return 'use';
}
