import type { Target } from '../target.js';
import { dataDirOwner, type DirLockHolder } from './dir-lock.js';
import { inspectPgliteDir } from './dir.js';

export interface EmbeddedDirState {
  dataDir: string;
  exists: boolean;
  pgVersion: string | null;
  /** Set when the folder is a server's data directory (not PGlite's). */
  server: string | null;
  /** Why it cannot be opened as an embedded database, or null. */
  refusal: string | null;
  /** Another process that has it open. */
  lockedBy: DirLockHolder | null;
}

/**
 * The embedded data directory `target` names and its state (doctor reports it): undefined when
 * the target has no directory of its own (a server), null in memory.
 */
export function embeddedDirOf(target: Target): EmbeddedDirState | null | undefined {
  if (target.kind !== 'pglite') return undefined;
  if (target.dataDir === null) return null;
  const dataDir = target.dataDir;
  const { exists, pgVersion, server, refusal } = inspectPgliteDir(dataDir);
  const owner = dataDirOwner(dataDir);
  return { dataDir, exists, pgVersion, server, refusal, lockedBy: owner && owner.pid !== process.pid ? owner : null };
}
