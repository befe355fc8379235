import { LockTimeoutError } from '../errors.js';
import type { Database, SqlClient } from '../driver/database.js';
import { pollUntil } from '../poll-until.js';

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
  /** The role the session logged in as. */
  user?: string | null;
  /** pg_stat_activity's state (`active`, `idle in transaction`, …). */
  state?: string | null;
  /** Its current or last query, shortened. */
  query?: string | null;
}

/** One line about a session: `pid 123 (app, user alice, from 10.0.0.5, idle in transaction since …: <query>)`. */
export function describeSession(h: LockHolder): string {
  const parts = [h.applicationName || 'no application_name'];
  if (h.user) parts.push(`user ${h.user}`);
  if (h.client) parts.push(`from ${h.client}`);
  const state = [h.state, h.since ? `since ${h.since}` : ''].filter(Boolean).join(' ');
  if (state) parts.push(state);
  return `pid ${h.pid} (${parts.join(', ')}${h.query ? `: ${h.query}` : ''})`;
}

const SESSION_COLUMNS = `a.pid, a.application_name, a.usename::text as usename, host(a.client_addr) as client, a.state,
    coalesce(a.xact_start, a.backend_start) as since, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120) as query`;

function sessionOf(r: any): LockHolder {
  return { pid: r.pid, applicationName: r.application_name, client: r.client, since: r.since ? new Date(r.since).toISOString() : null, user: r.usename ?? null, state: r.state ?? null, query: r.query || null };
}

export interface LockOptions {
  timeoutMs: number;
  /** Called once when the lock is busy, with who holds it. */
  onWait?: (holder: LockHolder | null) => void;
  /** Called if the lock's session dies while `fn` runs: the lock is gone with it. */
  onLost?: (error: Error) => void;
}

/** The held run lock: the backend pid of the session holding it (null where there is nothing to lock). */
export interface HeldLock {
  pid: number | null;
}

/** Runs `fn` while holding the run lock. PGlite is one session in one process: nothing to lock. */
export async function withRunLock<T>(database: Database, options: LockOptions, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  if (!database.capabilities.concurrentSessions) return fn({ pid: null });
  return database.session(async (conn) => {
    const pid = await acquire(conn, options);
    const unsubscribe = options.onLost ? conn.onLost(options.onLost) : () => {};
    try {
      return await fn({ pid });
    } finally {
      unsubscribe();
      await conn.query('select pg_advisory_unlock($1::bigint)', [RUN_LOCK_KEY.toString()]).catch(() => {});
    }
  });
}

async function acquire(conn: SqlClient, options: LockOptions): Promise<number> {
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  return pollUntil(async ({ delayMs }) => {
    const { rows } = await conn.query<{ ok: boolean; pid: number }>('select pg_try_advisory_lock($1::bigint) as ok, pg_backend_pid() as pid', [RUN_LOCK_KEY.toString()]);
    if (rows[0].ok) return rows[0].pid;
    const holder = await lockHolder(conn);
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    if (Date.now() + delayMs > deadline) {
      const who = holder ? describeSession(holder) : 'another session';
      throw new LockTimeoutError(`timed out after ${(options.timeoutMs / 1000).toFixed(1)} s waiting for the migration run lock held by ${who}`, {
        hint: 'another migration run is in progress; wait for it, raise --lock-timeout, or stop that session',
        data: { holder },
      });
    }
    return undefined;
  }, { delayMs: 25, maxDelayMs: 250 });
}

/** Who holds the run lock, from pg_locks: a bigint key is split into classid (high) and objid (low). */
export async function lockHolder(db: SqlClient): Promise<LockHolder | null> {
  const high = Number(RUN_LOCK_KEY >> 32n);
  const low = Number(RUN_LOCK_KEY & 0xffffffffn);
  const { rows } = await db.query(`
    select ${SESSION_COLUMNS}
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
      and l.classid = $1::oid and l.objid = $2::oid and l.objsubid = 1
    limit 1`, [high, low]);
  return rows[0] ? sessionOf(rows[0]) : null;
}

/**
 * The sessions that can have made a migration's statement give up on lock_timeout (55P03): other
 * sessions of this database inside a transaction that hold a granted lock on a table, index or
 * other user object (every such lock conflicts with the ACCESS EXCLUSIVE most DDL takes), oldest
 * transaction first. Asked right after the failure, from another session: the waiting statement
 * is gone by then, so pg_blocking_pids cannot be asked; these are who held locks when it gave up.
 */
export async function lockBlockers(db: SqlClient, exclude: number[]): Promise<LockHolder[]> {
  const { rows } = await db.query(`
    select ${SESSION_COLUMNS}
    from pg_stat_activity a
    where a.datname = current_database() and a.pid <> pg_backend_pid() and a.xact_start is not null
      and not (a.pid = any($1::int[]))
      and exists (select 1 from pg_locks l where l.pid = a.pid and l.granted and l.locktype = 'relation' and l.relation >= 16384)
    order by a.xact_start
    limit 3`, [exclude]);
  return rows.map(sessionOf);
}

/**
 * A statement that fails unless session `pid` still holds the run lock, for a migration to send
 * just before its COMMIT in the same message: the server checks it, so a lock lost while the
 * migration ran (its session terminated) is caught even before the client hears of it.
 */
export function lockHeldCheck(pid: number): string {
  const high = Number(RUN_LOCK_KEY >> 32n);
  const low = Number(RUN_LOCK_KEY & 0xffffffffn);
  return `do $dbctl$ begin if not exists (select 1 from pg_catalog.pg_locks where locktype = 'advisory' and granted and pid = ${Math.trunc(pid)}
      and classid = ${high} and objid = ${low} and objsubid = 1) then
    raise exception '${LOCK_LOST_MESSAGE}' using errcode = '${LOCK_LOST_SQLSTATE}'; end if; end $dbctl$`;
}

export const LOCK_LOST_SQLSTATE = 'DB001';
export const LOCK_LOST_MESSAGE = 'dbctl: the migration run lock is no longer held (its session was terminated)';
