import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { processExists } from '../process-alive.js';

/** `.NAME.partial-PID`: a dump being written by process PID. */
const PARTIAL = /^\..+\.partial-(\d+)$/;

/**
 * The hidden name a dump is written under until its manifest is written beside its real name
 * (`backups/.app-….dump.partial-<pid>`), created here so that a folder or file that cannot be
 * written is a usage error naming it (exit 2) before any database work starts. Partial dumps left
 * by a dbctl that was killed (its pg_dump dies with it and removes its file; one killed after
 * pg_dump finished leaves it) are removed on the way.
 */
export function startPartialDump(file: string, kind: 'file' | 'directory' = 'file'): string {
  const dir = path.dirname(file);
  const partial = path.join(dir, `.${path.basename(file)}.partial-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    removeStalePartials(dir);
    // A directory-format dump: pg_dump writes into an empty folder.
    if (kind === 'directory') fs.mkdirSync(partial);
    else fs.closeSync(fs.openSync(partial, 'wx'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new UsageError(`cannot write the backup to ${file}: ${e.code ?? e.message}${e.path && e.path !== partial ? ` (${e.path})` : ''}`, {
      hint: 'choose another --out (or backups.dir), or make the folder writable',
      data: { file, errno: e.code },
      cause: error,
    }, 'file_error');
  }
  return partial;
}

function removeStalePartials(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const pid = PARTIAL.exec(name)?.[1];
    if (pid && !processExists(Number(pid))) fs.rmSync(path.join(dir, name), { force: true, recursive: true });
  }
}
