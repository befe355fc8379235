import { LockTimeoutError } from '../errors.js';
import type { Database, SqlClient } from '../driver/open.js';

/**
 * The run lock: one session-level advisory lock on Kysely's own key, held on a dedicated
 * connection for a whole `up`/`down`/`redo`/`baseline`. Using Kysely's key means a concurrent
 * Kysely Migrator or kysely-ctl waits for dbctl too. A killed runner's lock dies with its session,
 * so there is never a stale lock to clear.
 */
export const RUN_LOCK_KEY = 3853314791062309107n;

export interface LockHolder {
  pid: number;
  applicationName: string;
  client: string | null;
  since: string | null;
}

export interface LockOptions {
  timeoutMs: number;
  /** Called once when the lock is busy, with who holds it. */
  onWait?: (holder: LockHolder | null) => void;
  /** Called if the lock's session dies while `fn` runs: the lock is gone with it. */
  onLost?: (error: Error) => void;
}

/** Runs `fn` while holding the run lock. PGlite is one session in one process: nothing to lock. */
export async function withRunLock<T>(database: Database, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  if (!database.capabilities.concurrentSessions) return fn();
  return database.session(async (conn) => {
    await acquire(conn, options);
    const unsubscribe = options.onLost ? conn.onLost(options.onLost) : () => {};
    try {
      return await fn();
    } finally {
      unsubscribe();
      await conn.query('select pg_advisory_unlock($1::bigint)', [RUN_LOCK_KEY.toString()]).catch(() => {});
    }
  });
}

async function acquire(conn: SqlClient, options: LockOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  let delay = 25;
  for (;;) {
    const { rows } = await conn.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [RUN_LOCK_KEY.toString()]);
    if (rows[0].ok) return;
    const holder = await lockHolder(conn);
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    if (Date.now() + delay > deadline) {
      const who = holder ? `pid ${holder.pid} (${holder.applicationName || 'no application_name'}${holder.client ? ` from ${holder.client}` : ''}, since ${holder.since})` : 'another session';
      throw new LockTimeoutError(`timed out after ${(options.timeoutMs / 1000).toFixed(1)} s waiting for the migration run lock held by ${who}`, {
        hint: 'another migration run is in progress; wait for it, raise --lock-timeout, or stop that session',
        data: { holder },
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

/** Who holds the run lock, from pg_locks: a bigint key is split into classid (high) and objid (low). */
export async function lockHolder(db: SqlClient): Promise<LockHolder | null> {
  const high = Number(RUN_LOCK_KEY >> 32n);
  const low = Number(RUN_LOCK_KEY & 0xffffffffn);
  const { rows } = await db.query(`
    select a.pid, a.application_name, a.client_addr::text as client, coalesce(a.xact_start, a.backend_start) as since
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
      and l.classid = $1::oid and l.objid = $2::oid and l.objsubid = 1
    limit 1`, [high, low]);
  const r = rows[0];
  return r ? { pid: r.pid, applicationName: r.application_name, client: r.client, since: r.since ? new Date(r.since).toISOString() : null } : null;
}
