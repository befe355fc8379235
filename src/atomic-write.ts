import fs from 'node:fs';
import path from 'node:path';

/**
 * The one atomic write: the content goes to a temporary file beside `file`, then rename(2) puts it
 * in place, so a reader (another process, a watcher) sees the old file or the new one, never half.
 * The folder is made if missing.
 */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes `content` atomically unless the file already holds it; returns whether it changed. */
export function writeFileIfChanged(file: string, content: string): boolean {
  if (readIfExists(file) === content) return false;
  writeFileAtomic(file, content);
  return true;
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Reading a directory fails with EISDIR and no path: name the file the user gave.
    (error as NodeJS.ErrnoException).path ??= file;
    throw error;
  }
}
