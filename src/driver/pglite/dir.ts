import fs from 'node:fs';
import path from 'node:path';
import { processExists } from '../../process-alive.js';

/**
 * Written into every directory dbctl makes a PGlite database in (copyPgliteBase is the one code
 * path that creates them), so a later `db drop` knows the directory is dbctl's to delete.
 */
export const PGLITE_MARKER = '.dbctl-pglite';

/** Written into a directory frozen as a template (test databases are copied from it); removed from each copy. */
export const TEMPLATE_MARKER = '.dbctl-template';

/**
 * The top-level names of a PostgreSQL data directory as PGlite creates it (initdb's layout;
 * postgresql.auto.conf.tmp is ALTER SYSTEM's temporary file). Anything else in the directory was
 * put there by someone else, and deleting the directory would delete it too.
 */
const PGLITE_ENTRIES = new Set([
  'PG_VERSION', 'base', 'global', 'pg_commit_ts', 'pg_dynshmem', 'pg_hba.conf', 'pg_ident.conf',
  'pg_logical', 'pg_multixact', 'pg_notify', 'pg_replslot', 'pg_serial', 'pg_snapshots', 'pg_stat',
  'pg_stat_tmp', 'pg_subtrans', 'pg_tblspc', 'pg_twophase', 'pg_wal', 'pg_xact',
  'postgresql.auto.conf', 'postgresql.auto.conf.tmp', 'postgresql.conf', 'postmaster.pid', PGLITE_MARKER, TEMPLATE_MARKER,
]);

/**
 * PGlite writes a postmaster.pid too (and leaves it behind when its process is killed), but with
 * fixed values no server can have: pid -42 and the virtual data directory /pglite/data. A server's
 * names its real pid and path.
 */
const PGLITE_PID_FILE = /^-42\n\/pglite\/data\n/;

export interface PgliteDirInfo {
  exists: boolean;
  /** PG_VERSION's content: the directory holds an initialised cluster. */
  pgVersion: string | null;
  /** dbctl's marker is there: dbctl made the directory. */
  marked: boolean;
  /** A PostgreSQL server's data directory: what gives it away (its postmaster.pid or postmaster.opts). */
  server: string | null;
  /**
   * Why this is not a PGlite directory that dbctl may treat as its own (and delete), worded to
   * follow the directory's path ("is a PostgreSQL server's data directory (…)"); null when it is one.
   */
  refusal: string | null;
}

/**
 * The one rule for "is this dbctl's PGlite directory": it must be a directory, must show no sign of
 * a PostgreSQL server (a server's postmaster.pid, or postmaster.opts, which every server start
 * writes and PGlite never does), must hold nothing but what PGlite creates, and must either carry
 * dbctl's marker or be a complete initialised cluster (PG_VERSION, base/, global/), as PGlite left
 * directories made before the marker existed. A directory that fails any of these is someone
 * else's: `db drop` refuses it rather than guess.
 */
export function inspectPgliteDir(dir: string): PgliteDirInfo {
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) return { exists: true, pgVersion: null, marked: false, server: null, refusal: 'is not a directory' };
    entries = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, pgVersion: null, marked: false, server: null, refusal: 'does not exist' };
    // A path through a regular file (`pglite://./afile/db`).
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return { exists: true, pgVersion: null, marked: false, server: null, refusal: 'is not a directory (a file is in its path)' };
    throw error;
  }
  const has = new Set(entries);
  const pgVersion = has.has('PG_VERSION') ? readText(path.join(dir, 'PG_VERSION'))?.trim() || null : null;
  const marked = has.has(PGLITE_MARKER);
  const server = serverSign(dir, has);
  const info = (refusal: string | null): PgliteDirInfo => ({ exists: true, pgVersion, marked, server, refusal });

  if (server) return info(`is a PostgreSQL server's data directory (${server}), not a PGlite one`);
  if (!marked && !pgVersion) return info('is not a PGlite data directory (no PG_VERSION)');
  const foreign = entries.filter((name) => !PGLITE_ENTRIES.has(name)).sort();
  if (foreign.length) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : '');
    return info(`holds files PGlite never creates (${shown})`);
  }
  if (!marked && !(/^\d+$/.test(pgVersion ?? '') && has.has('base') && has.has('global'))) {
    return info('is not a complete PGlite data directory (PG_VERSION without base/ and global/)');
  }
  return info(null);
}

/** Records that dbctl made `dir` (after the copy is complete, so the marker also means "whole"). */
export function markPgliteDir(dir: string): void {
  fs.writeFileSync(path.join(dir, PGLITE_MARKER), `${JSON.stringify({ createdBy: 'dbctl', at: new Date().toISOString() })}\n`);
}

function serverSign(dir: string, has: Set<string>): string | null {
  const pidFile = has.has('postmaster.pid') ? readText(path.join(dir, 'postmaster.pid')) ?? '' : null;
  if (pidFile !== null && !PGLITE_PID_FILE.test(pidFile)) {
    const pid = Number.parseInt(pidFile, 10);
    return pid > 0 ? `postmaster.pid names pid ${pid}${processExists(pid) ? ', which is running' : ''}` : 'it has a postmaster.pid';
  }
  return has.has('postmaster.opts') ? 'it has postmaster.opts' : null;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Why the embedded database may not be opened (or created) in `dir`, or null. Opening is laxer than
 * deleting: a missing or empty directory is initialised, and a PGlite directory with a stray file
 * opens. What is refused is a file, a server's data directory, and a folder of someone's own files,
 * which PGlite's initdb would otherwise write into.
 */
export function pgliteOpenRefusal(dir: string): string | null {
  const info = inspectPgliteDir(dir);
  if (!info.exists) return null;
  if (info.refusal?.startsWith('is not a directory')) return info.refusal;
  if (info.server) return info.refusal;
  if (info.marked || info.pgVersion) return null;
  const entries = fs.readdirSync(dir);
  if (!entries.length) return null;
  const shown = entries.sort().slice(0, 3).join(', ') + (entries.length > 3 ? `, and ${entries.length - 3} more` : '');
  return `is not a PGlite data directory: it holds other files (${shown})`;
}
