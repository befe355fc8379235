import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../driver/open.js';
import { isPgliteDir } from '../driver/pglite-dir.js';
import { parseTarget, redact, withDatabase as withDatabaseName } from '../driver/url.js';
import { UsageError } from '../errors.js';

export interface RestoreTarget {
  url: string;
  /** Removes what --create made (after a failed restore): the database, or the PGlite directory. */
  discard(): Promise<void>;
}

/**
 * A new, empty database to restore into (`restore --create NAME`): on a server, NAME is created
 * beside the configured database; embedded, NAME is a new PGlite directory. An existing one is
 * refused, so --create can never overwrite anything.
 */
export async function createRestoreTarget(name: string, options: { url: string | undefined; cwd: string; connectTimeoutMs?: number }): Promise<RestoreTarget> {
  const base = parseTarget(options.url, options.cwd);
  const { dropDatabase } = await import('../dblife/index.js');
  if (base.kind === 'pglite') {
    const dir = path.resolve(options.cwd, name);
    const existed = fs.existsSync(dir);
    if (existed && fs.readdirSync(dir).length) throw new UsageError(`--create ${name}: directory ${dir} already exists and is not empty`);
    const url = `pglite://${dir}`;
    return {
      url,
      discard: async () => {
        // PGlite initialised the directory when the restore opened it; an empty one given to us stays.
        if (isPgliteDir(dir)) await dropDatabase({ url, cwd: options.cwd });
        if (!existed) fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = await openDatabase({ url: base.url, cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, poolSize: 1 });
  try {
    const { rows } = await sql<{ one: number }>`select 1 as one from pg_database where datname = ${name}`.execute(admin.db);
    if (rows.length) throw new UsageError(`--create ${name}: database "${name}" already exists on ${redact(`${base.host}:${base.port}`)}`, { hint: 'choose a new name, or restore into it with --into URL --clean' });
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = withDatabaseName(base.url, name);
  return { url, discard: async () => void (await dropDatabase({ url, cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, force: true })) };
}
