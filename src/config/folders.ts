import fs from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * A configured folder that must exist (exit 2 naming it): the migrations or seeds folder of a
 * command that reads it. Only the commands that create files (`migrate new`, `seed new`, `init`)
 * may find it missing, and they create it.
 */
export function assertFolder(dir: string, what: string, setting: string, create: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`the ${what} folder ${dir} does not exist`, {
      hint: `run dbctl from the project (the folder of dbctl.config.*), set ${setting}, or create it with \`${create}\``,
      data: { folder: dir },
    }, 'folder_missing');
  }
  if (!stat.isDirectory()) throw new UsageError(`the ${what} folder ${dir} is not a directory`, { hint: `check ${setting}`, data: { folder: dir } }, 'folder_missing');
}

/** The two folders commands read, named the same way everywhere. */
export const assertMigrationsFolder = (dir: string) => assertFolder(dir, 'migrations', 'migrations.dir / DBCTL_MIGRATIONS_DIR', 'dbctl migrate new NAME');
export const assertSeedsFolder = (dir: string) => assertFolder(dir, 'seeds', 'seeds.dir', 'dbctl seed new NAME');
