import { openDatabase, type Database, type OpenOptions } from './database.js';
import type { Observer } from './observe.js';
import { parseTarget, type Target } from './target.js';
import { withOpen } from '../with-open.js';

/** What opening a database reads from a resolved config (ResolvedConfig has all of it). */
export interface DatabaseSettings {
  /** The resolved config's target: parsed once, where the URL entered. */
  target: Target;
  cwd: string;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  poolSize: number;
}

/**
 * Why a database is opened; each purpose fixes its pool size, its application_name (what
 * pg_stat_activity and `db drop`'s refusal show).
 * - command: the CLI's connection to the configured database (and the library's default);
 * - doctor, wait: a short look (doctor gives up on connecting after 5 s at most);
 * - testdb: building a template; throwaway: `migrate lint` / `migrate test`'s scratch database;
 * - reference: reading a clone's schema; fleet: one member of a fleet run;
 * - restore: the database `restore --create` made; typegen: the embedded database types are read from.
 */
export type OpenPurpose = 'command' | 'doctor' | 'wait' | 'testdb' | 'throwaway' | 'reference' | 'fleet' | 'restore' | 'typegen';

const PURPOSES: Record<OpenPurpose, (settings: DatabaseSettings) => Partial<OpenOptions>> = {
  // Those that wait for an embedded database another process has open, as a run waits for the run lock.
  command: (s) => ({ poolSize: s.poolSize, lockTimeoutMs: s.lockTimeoutMs }),
  doctor: (s) => ({ connectTimeoutMs: Math.min(s.connectTimeoutMs, 5000), poolSize: 2, applicationName: 'dbctl doctor' }),
  wait: () => ({ poolSize: 1, applicationName: 'dbctl db wait' }),
  testdb: () => ({ poolSize: 2, applicationName: 'dbctl testdb' }),
  throwaway: () => ({ applicationName: 'dbctl throwaway' }),
  reference: () => ({ poolSize: 1 }),
  fleet: (s) => ({ poolSize: 2, applicationName: 'dbctl fleet', lockTimeoutMs: s.lockTimeoutMs }),
  restore: (s) => ({ poolSize: s.poolSize, lockTimeoutMs: s.lockTimeoutMs }),
  typegen: () => ({}),
};

/** What a caller of openDatabaseFor adds: settings only it knows, and who observes the open. */
export type OpenForOptions = Partial<Omit<OpenOptions, 'onQuery' | 'onLockWait' | 'onFirstRun'>> & { observe?: Observer };

/**
 * Opens the configured database (or another the purpose works on: `options.target`, or a URL)
 * with every setting the config gives, statement_timeout included, whatever the purpose;
 * `options` adds what only the caller knows (a wait's remaining time), and `observe` hears the
 * open (the target, a lock wait, a first run) and every query.
 */
export async function openDatabaseFor(settings: DatabaseSettings, purpose: OpenPurpose, options: OpenForOptions = {}): Promise<Database> {
  const { observe, ...given } = options;
  // Another database the purpose works on, given as a Target (parsed where it entered) or a URL.
  const target = given.target ?? (given.url !== undefined ? parseTarget(given.url, settings.cwd) : settings.target);
  await observe?.opening?.(target);
  return openDatabase({
    cwd: settings.cwd,
    connectTimeoutMs: settings.connectTimeoutMs,
    statementTimeoutMs: settings.statementTimeoutMs,
    ...PURPOSES[purpose](settings),
    // An option given as undefined leaves the purpose's own.
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
    target,
    url: undefined,
    onQuery: observe?.query,
    onLockWait: observe?.lockWait,
    onFirstRun: observe?.firstRun,
  });
}

/** Opens with openDatabaseFor, runs `fn`, and always closes the database. */
export async function withDatabaseFor<T>(settings: DatabaseSettings, purpose: OpenPurpose, fn: (database: Database) => Promise<T>, options: OpenForOptions = {}): Promise<T> {
  return withOpen(openDatabaseFor(settings, purpose, options), fn);
}
