import fs from 'node:fs';
import { checksumOfMigration, type MigrationFile } from './files.js';
import type { Direction, Prepared } from './runner.js';
import type { PlaceholderSource } from './placeholders.js';

/**
 * Prepared migrations kept for the life of the process, keyed by file and direction and checked
 * against the file's bytes: a fleet run migrating 1,000 databases loads (imports or parses) each
 * migration once instead of 1,000 times. A Prepared is stateless (its `run` takes the session), so
 * sharing it between databases is safe; a file changed since it was prepared is prepared again.
 */
const cache = new Map<string, { stamp: Buffer | string; prepared: Promise<Prepared> }>();

export async function prepareCached(file: MigrationFile, direction: Direction, placeholders?: PlaceholderSource): Promise<Prepared> {
  if (file.kind === 'provided') return (await import('./runner.js')).prepare(file, direction);
  const key = `${direction}\0${file.file}`;
  // A module is known by its checksum, which the run has computed already (no second read).
  const stamp = file.kind === 'module' ? checksumOfMigration(file) : fs.readFileSync(file.file);
  // What a file with placeholders runs depends on its environment (a fleet's tenants differ): never shared.
  if (typeof stamp !== 'string' && stamp.includes('${')) return (await import('./runner.js')).prepare(file, direction, placeholders);
  const hit = cache.get(key);
  if (hit && (typeof stamp === 'string' ? hit.stamp === stamp : typeof hit.stamp !== 'string' && hit.stamp.equals(stamp))) {
    const prepared = await hit.prepared;
    // The same file under another name cannot happen (name = file name), but keep `file` the caller's.
    return prepared.file === file ? prepared : { ...prepared, file };
  }
  const { prepare } = await import('./runner.js');
  const prepared = prepare(file, direction);
  cache.set(key, { stamp, prepared });
  // A file that fails to load is not remembered: the next run reports it afresh.
  prepared.catch(() => cache.delete(key));
  return prepared;
}
