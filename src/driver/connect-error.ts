import { ConnectionError } from '../errors.js';
import { describeTarget, redact, type Target } from './url.js';

/** Errors worth retrying while a server starts up or a container comes up. */
export function isTransientConnectError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P03'].includes(e.code ?? '') ||
    /timeout expired|Connection terminated unexpectedly|the database system is starting up/i.test(e.message ?? '')
  );
}

/** One clear line for each way a connection fails; the password never appears. */
export function connectionErrorFor(error: unknown, target: Extract<Target, { kind: 'pg' }>, waitedMs: number): ConnectionError {
  const e = error as { code?: string; message?: string };
  const where = describeTarget(target);
  const data = { host: target.host, port: target.port, database: target.database, user: target.user, sqlstate: e.code };
  switch (e.code) {
    case '28P01':
    case '28000':
      return new ConnectionError(`authentication failed for user "${target.user}" at ${where}`, {
        hint: 'check the user name and password in --url / DATABASE_URL',
        data,
      }, 'auth_failed');
    case '3D000':
      return new ConnectionError(`database "${target.database}" does not exist on ${target.host}:${target.port}`, {
        hint: 'create it with `dbctl db create`, or fix the database name in the URL',
        data,
      }, 'database_missing');
    case 'ENOTFOUND':
      return new ConnectionError(`cannot resolve host "${target.host}" for ${where}`, {
        hint: 'check the host name in --url / DATABASE_URL',
        data,
      }, 'host_not_found');
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return new ConnectionError(`TLS certificate of ${where} is not trusted`, {
        hint: 'use sslmode=no-verify for a self-signed server certificate, or provide the CA',
        data,
      }, 'tls');
  }
  const reason = redact(e.message ?? String(error)).replace(/\s+/g, ' ');
  if (isTransientConnectError(error)) {
    return new ConnectionError(`cannot connect to ${where}: ${reason} (gave up after ${(waitedMs / 1000).toFixed(1)} s)`, {
      hint: 'is the server running and reachable? start it (e.g. `docker compose up -d`) or raise --connect-timeout',
      data,
    }, 'unreachable');
  }
  return new ConnectionError(`cannot connect to ${where}: ${reason}`, { data });
}
