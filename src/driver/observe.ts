import type { LogEvent } from 'kysely';
import type { DirLockHolder } from './pglite/dir-lock.js';
import type { Target } from './target.js';

/**
 * What a front end hears while dbctl opens and works on a database: one object handed down to
 * openDatabaseFor (and by the core functions that open databases themselves), never a callback
 * that opens the database for them. Every member is optional; the library is silent without one.
 */
export interface Observer {
  /** The database about to be opened (the CLI names it: `target: …`); awaited before opening. */
  opening?: (target: Target) => void | Promise<void>;
  /** Every query run on it (the CLI's -v). */
  query?: (event: LogEvent) => void;
  /** Embedded: the open waits for the process that has the directory open. */
  lockWait?: (holder: DirLockHolder) => void;
  /** The embedded base image is made first (once per machine and PGlite version: a few seconds). */
  firstRun?: () => void;
  /** What a long operation is doing now (a restore's steps), for a progress line. */
  progress?: (step: string) => void;
}
