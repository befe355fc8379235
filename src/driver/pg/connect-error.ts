import { ConnectionError } from '../../errors.js';
import { codeForSqlstate } from '../../sql/sqlstate.js';
import { connectionLostError, isLostSession } from '../connection-lost.js';
import { describeTarget, redact, serverAddress, type Target } from '../target.js';

/** A server not reachable yet: nothing listens, the network or DNS is not there yet, or it is slow. */
const UNREACHABLE = ['ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

/**
 * Node's TLS verification failures (`err.code`): the certificate will not become trusted by waiting.
 * A server that answers the TLS request with "no" has no code, only its message.
 */
const TLS_CODES = /^(?:ERR_TLS_|ERR_SSL_|EPROTO$)|CERT|SIGNATURE|ISSUER|HOSTNAME_MISMATCH/;
const TLS_REFUSED = /server does not support SSL/i;

/**
 * Errors worth retrying while a server starts up or a container comes up: it is not reachable yet,
 * or it ended the session while dbctl connected (a restarting server ends sessions with 57P01, then
 * refuses new ones with 57P03 until it accepts them).
 */
export function isTransientConnectError(error: unknown): boolean {
  const e = error as { code?: string; message?: string; syscall?: string };
  // ENOENT on connect: a Unix socket the server has not created yet.
  const noSocketYet = e.code === 'ENOENT' && e.syscall === 'connect';
  return UNREACHABLE.includes(e.code ?? '') || noSocketYet || /timeout expired/i.test(e.message ?? '') || isLostSession(error);
}

/** One clear line for each way a connection fails; the password never appears. */
export function connectionErrorFor(error: unknown, target: Extract<Target, { kind: 'pg' }>, waitedMs: number): ConnectionError {
  const e = error as { code?: string; message?: string; path?: string; syscall?: string };
  const where = describeTarget(target);
  const data = { host: target.host, port: target.port, database: target.database, user: target.user, sqlstate: e.code };
  const gaveUp = waitedMs > 0 ? ` (gave up after ${(waitedMs / 1000).toFixed(1)} s)` : '';
  // What the server's SQLSTATE means is the table's (sql/sqlstate.ts); the words are the connect's own.
  switch (codeForSqlstate(e.code) ?? e.code) {
    case 'auth_failed':
      return new ConnectionError(`authentication failed for user "${target.user}" at ${where}`, {
        hint: 'check the user name and password in --url / DATABASE_URL',
        data,
      }, 'auth_failed');
    case 'database_missing':
      return new ConnectionError(`database "${target.database}" does not exist on ${serverAddress(target)}`, {
        hint: 'create it with `dbctl db create`, or fix the database name in the URL',
        data,
      }, 'database_missing');
    case 'ENOTFOUND':
      return new ConnectionError(`cannot resolve host "${target.host}" for ${where}`, {
        hint: 'check the host name in --url / DATABASE_URL',
        data,
      }, 'host_not_found');
  }
  const reason = redact(e.message ?? String(error)).replace(/\s+/g, ' ');
  // node-postgres's own SCRAM step fails before the server could say 28P01 (no password given).
  if (/^SASL: /.test(e.message ?? '')) {
    const why = /client password must be/.test(e.message ?? '') ? 'the server asks for a password and the URL gives none' : reason;
    return new ConnectionError(`authentication failed for user "${target.user}" at ${where}: ${why}`, {
      hint: 'check the user name and password in --url / DATABASE_URL',
      data,
    }, 'auth_failed');
  }
  // The one rule for a session that ends while connecting (57P01/57P02/57P03, a socket closed right
  // after it opened): it is a lost connection, said as every lost connection is said.
  if (isLostSession(error)) return connectionLostError(`the connect to ${where}`, error, `nothing had run yet${gaveUp}`, data);
  if (e.code === 'ENOENT' && e.syscall === 'open' && e.path) {
    // sslrootcert / sslcert / sslkey name a file node-postgres reads while connecting.
    return new ConnectionError(`cannot read ${e.path}, named in the URL of ${where}: no such file`, {
      hint: 'fix sslrootcert / sslcert / sslkey in --url / DATABASE_URL',
      data,
    }, 'tls');
  }
  if (TLS_CODES.test(e.code ?? '') || TLS_REFUSED.test(e.message ?? '')) {
    const refused = TLS_REFUSED.test(e.message ?? '');
    return new ConnectionError(`TLS to ${where} failed: ${reason}`, {
      hint: refused
        ? 'the server does not accept TLS: use sslmode=disable (node-postgres treats prefer and require as verify-full), or enable ssl on the server'
        : 'use sslmode=no-verify for a self-signed server certificate, or provide the CA with sslrootcert',
      data,
    }, 'tls');
  }
  if (isTransientConnectError(error)) {
    return new ConnectionError(`cannot connect to ${where}: ${reason} (gave up after ${(waitedMs / 1000).toFixed(1)} s)`, {
      hint: 'is the server running and reachable? start it (e.g. `docker compose up -d`) or raise --connect-timeout',
      data,
    }, 'unreachable');
  }
  return new ConnectionError(`cannot connect to ${where}: ${reason}`, { data });
}
