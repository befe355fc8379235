import type pg from 'pg';
import { connectionErrorFor } from './connect-error.js';
import { parseTarget, serverOf } from '../target.js';
import { loadPg } from './module.js';

/**
 * One raw `pg` session on a server URL, for the few callers that speak to several nodes or
 * databases at once (a Citus cluster's nodes, a fleet's servers) and need no Database around it.
 * A failed connect is the same ConnectionError an open would give.
 */
export async function connectServerClient(url: string, applicationName: string): Promise<pg.Client> {
  // Through loadPg: a plain import made pg load Node's fetch (undici), ~20 ms before the first connect (db copy's source).
  const pgModule = loadPg();
  const client = new pgModule.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    const server = serverOf(parseTarget(url, process.cwd(), { server: true }));
    throw server ? connectionErrorFor(error, server, 0) : error;
  }
  return client;
}

/**
 * Drops a session's socket at once, for work whose database is thrown away: ending it properly
 * (Terminate, or a COPY's CopyFail) is answered only when the backend next reads, and a backend
 * held up would keep the caller waiting. Whatever waits on the session then fails. Takes a pg
 * Client, or anything holding its Connection (a pg-copy-streams query).
 */
export function severSession(holder: unknown): void {
  (holder as { connection?: { stream?: { destroy(): void } } } | undefined)?.connection?.stream?.destroy();
}
