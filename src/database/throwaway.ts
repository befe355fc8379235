import os from 'node:os';
import path from 'node:path';
import type { Database } from '../driver/database.js';
import { withDatabaseFor, type DatabaseSettings } from '../driver/open-for.js';
import { withHostBeside } from './beside.js';
import { cloneName } from './names.js';

/** What a throwaway database is made and opened with: the configured database's settings (a ResolvedConfig has them). */
export type ThrowawaySettings = DatabaseSettings;

/** Where embedded throwaway databases are made (each under its own unique name). */
const EMBEDDED_THROWAWAY_DIR = path.join(os.tmpdir(), 'dbctl-throwaway');

/**
 * Runs `fn` on a new, empty database beside the configured one, then drops it: a database on the
 * same server (so the same Postgres version and extensions as the target), or, when the target is
 * embedded, a PGlite directory copied from the prepared base image (well under a second; an
 * in-memory PGlite would run initdb, several seconds). `migrate lint` captures TS migrations' SQL
 * there and `migrate test` runs every up and down there: neither ever touches the target.
 *
 * The `dbctl_tmp` prefix keeps it outside `testdb`'s namespace, as for `createTestDatabase`.
 */
export async function withThrowawayDatabase<T>(config: ThrowawaySettings, fn: (database: Database) => Promise<T>): Promise<T> {
  const name = cloneName('dbctl_tmp');
  const hostOptions = { cwd: config.cwd, connectTimeoutMs: config.connectTimeoutMs, applicationName: 'dbctl throwaway' };
  return withHostBeside(config.target, EMBEDDED_THROWAWAY_DIR, hostOptions, async (host) => {
    const { target } = await host.create(name);
    try {
      return await withDatabaseFor(config, 'throwaway', fn, { target });
    } finally {
      await host.drop(name, { force: true });
    }
  });
}
