import type pg from 'pg';
import { CANONICAL_SETTINGS } from '../catalog/contents.js';
import { connectServerClient } from '../driver/pg/client.js';
import type { SqlClient } from '../driver/database.js';
import { UsageError } from '../errors.js';
import type { Target } from '../driver/target.js';
import { capabilitiesOf } from '../driver/host.js';

/**
 * The source's sessions: all in REPEATABLE READ, READ ONLY transactions on one snapshot (the lead's,
 * exported), so every table and every parallel stream sees the same moment. Nothing is written:
 * no temp table, function or extension; the settings are SET LOCAL and end with the transaction.
 */
export interface Source {
  lead: pg.Client;
  /** `jobs` sessions for the streams (the lead is the first). */
  streams: pg.Client[];
  snapshot: string;
  /**
   * Ends the sessions. `abort` (a failed or interrupted copy) first destroys their sockets: a
   * session whose COPY was stopped mid-stream has a backend blocked writing to a socket no one
   * reads, which would never read a polite Terminate (pg's end() then waits for good), and which
   * cannot answer the barrier every DROP DATABASE on the server waits for until its socket is gone.
   */
  close(options?: { abort?: boolean }): Promise<void>;
}

/** Text output every session agrees on, so the target reads back exactly what the source wrote. */
const SETTINGS = CANONICAL_SETTINGS.map((s) => s.replace('extra_float_digits = 1', 'extra_float_digits = 3')).join('; ');

export async function openSource(target: Target, jobs: number): Promise<Source> {
  // One exported snapshot shared by several sessions: a backend of one session cannot serve it.
  if (!capabilitiesOf(target).concurrentSessions) throw new UsageError('db copy: the source must be a server (postgres://); an embedded database is copied with `dbctl backup` and `restore`', {}, 'copy_source');
  const clients: pg.Client[] = [];
  const close = async (options: { abort?: boolean } = {}) => {
    if (options.abort) for (const c of clients) socketOf(c)?.destroy();
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  };
  try {
    const lead = await connectServerClient(target.url, 'dbctl db copy');
    clients.push(lead);
    await lead.query(`begin isolation level repeatable read read only; ${SETTINGS}`);
    const snapshot = (await lead.query<{ id: string }>('select pg_catalog.pg_export_snapshot() as id')).rows[0].id;
    for (let i = 1; i < jobs; i++) {
      const client = await connectServerClient(target.url, 'dbctl db copy');
      clients.push(client);
      await client.query(`begin isolation level repeatable read read only; set transaction snapshot '${snapshot}'; ${SETTINGS}`);
    }
    return { lead, streams: clients.slice(), snapshot, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** pg keeps a client's socket private; it has no public way to drop a connection without a goodbye. */
function socketOf(client: pg.Client): { destroy(): void } | undefined {
  return (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
}

/** The lead session as the SqlClient that catalog and subset queries take. */
export function sqlClientOf(client: pg.Client): SqlClient & { session<T>(fn: (c: SqlClient) => Promise<T>): Promise<T> } {
  const sql: SqlClient = { query: (text, parameters) => client.query(text, parameters as unknown[]) as never };
  return { ...sql, session: (fn) => fn(sql) };
}
