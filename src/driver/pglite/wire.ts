import type { Database } from '../database.js';
import { embeddedInstance } from './instance.js';

/** An open embedded database served over the Postgres wire protocol. */
export interface WireServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres: what pg, postgres.js, Prisma and psql open. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes every client connection (the database stays open). */
  stop(): Promise<void>;
}

export interface WireOptions {
  /** 0 (default): a free port the system picks. */
  port?: number;
  host?: string;
  /** Client connections at once (default 100: a pg.Pool's 10 and a psql beside them fit). */
  maxConnections?: number;
  /**
   * Keep the process alive while listening (a `db serve` command). Default false: a test process
   * that forgets drop() still exits, as it would with an embedded database.
   */
  keepAlive?: boolean;
}

/**
 * Serves an open embedded Database over TCP with @electric-sql/pglite-socket. PGlite is one
 * session: the socket server accepts many connections and runs their messages one at a time, and
 * while one connection is inside a transaction the others' statements wait until it ends. Session
 * state (SET, temp tables, named prepared statements, LISTEN) is therefore shared by every
 * connection, and cancel requests are ignored.
 */
export async function serveEmbeddedOverWire(database: Database, options: WireOptions = {}): Promise<WireServer> {
  const pglite = embeddedInstance(database);
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db: pglite, host, port: options.port ?? 0, maxConnections: options.maxConnections ?? 100 });
  await server.start();
  // The net.Server is private to PGLiteSocketServer; unref it so only open client sockets (and the
  // caller's own work) keep the process alive. Reached by name, checked, and skipped if renamed.
  const net = (server as unknown as { server?: { unref?: () => void } }).server;
  if (!options.keepAlive) net?.unref?.();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    stop: async () => {
      await server.stop();
      // stop() does not wait for what its connections already scheduled: a message or a close
      // event queued by setImmediate still runs, and reads the database (IsTransactionBlock).
      // Closed before that, the database throws in those callbacks, where no one can catch it. Let
      // them run, then queue behind whatever they sent (PGlite runs one query at a time).
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      await pglite.query('select 1');
    },
  };
}
