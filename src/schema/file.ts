import fs from 'node:fs';
import path from 'node:path';

export interface FileCheck {
  /** Absolute path. */
  file: string;
  /** The file holds exactly `content`. */
  fresh: boolean;
  missing: boolean;
}

/** Whether `file` holds exactly `content` (a generated file committed beside the code). */
export function checkFile(file: string, content: string): FileCheck {
  const current = readIfExists(file);
  return { file, fresh: current === content, missing: current === undefined };
}

/** Writes `content` atomically unless the file already holds it; returns whether it changed. */
export function writeFileIfChanged(file: string, content: string): boolean {
  if (readIfExists(file) === content) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
  return true;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Reading a directory fails with EISDIR and no path: name the file the user gave.
    (error as NodeJS.ErrnoException).path ??= file;
    throw error;
  }
}
