import type pg from 'pg';
import { connectServerClient } from '../driver/pg/client.js';
import { withOpen } from '../with-open.js';

/** A single short session on `url` (listing databases or schemas, reading the connection headroom). */
export async function withServerClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withOpen(connectServerClient(url, 'dbctl fleet'), fn, (client) => client.end().catch(() => {}));
}

/** Connections a fleet run may hold per database it works on: the run lock's session and the migration's. */
export const CONNECTIONS_PER_DATABASE = 2;
/** The most databases worked on at once per server when nobody says otherwise. */
export const MAX_DEFAULT_CONCURRENCY = 16;

export interface ServerHeadroom {
  maxConnections: number;
  /** Sessions open when the run started (all databases, background workers included). */
  inUse: number;
  /** Superuser-reserved slots: not for dbctl. */
  reserved: number;
}

export async function serverHeadroom(url: string): Promise<ServerHeadroom> {
  return withServerClient(url, async (c) => {
    const { rows } = await c.query<{ max: number; used: number; reserved: number }>(`
      select current_setting('max_connections')::int as max,
             current_setting('superuser_reserved_connections')::int as reserved,
             (select count(*) from pg_stat_activity)::int as used`);
    return { maxConnections: rows[0].max, inUse: rows[0].used, reserved: rows[0].reserved };
  });
}

/**
 * How many databases of one server to work on at once by default: a third of the free connection
 * slots (each database needs two, and the applications keep theirs), at most 16, at least 1.
 */
export function defaultConcurrency(h: ServerHeadroom): number {
  const free = h.maxConnections - h.reserved - h.inUse;
  return Math.max(1, Math.min(MAX_DEFAULT_CONCURRENCY, Math.floor(free / 3)));
}
