import { readIfExists } from '../atomic-write.js';

export { writeFileIfChanged } from '../atomic-write.js';

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
