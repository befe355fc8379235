import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../driver/open.js';
import { parseTarget, redact, withDatabase as withDatabaseName } from '../driver/url.js';
import { UsageError } from '../errors.js';

/**
 * A new, empty database to restore into (`restore --create NAME`): on a server, NAME is created
 * beside the configured database; embedded, NAME is a new PGlite directory. An existing one is
 * refused, so --create can never overwrite anything. Returns its URL.
 */
export async function createRestoreTarget(name: string, options: { url: string | undefined; cwd: string; connectTimeoutMs?: number }): Promise<string> {
  const base = parseTarget(options.url, options.cwd);
  if (base.kind === 'pglite') {
    const dir = path.resolve(options.cwd, name);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new UsageError(`--create ${name}: directory ${dir} already exists and is not empty`);
    return `pglite://${dir}`;
  }
  const admin = await openDatabase({ url: base.url, cwd: options.cwd, connectTimeoutMs: options.connectTimeoutMs, poolSize: 1 });
  try {
    const { rows } = await sql<{ one: number }>`select 1 as one from pg_database where datname = ${name}`.execute(admin.db);
    if (rows.length) throw new UsageError(`--create ${name}: database "${name}" already exists on ${redact(`${base.host}:${base.port}`)}`, { hint: 'choose a new name, or restore into it with --into URL --clean' });
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  return withDatabaseName(base.url, name);
}
