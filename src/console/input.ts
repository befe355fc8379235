import { splitStatements } from '../sql/split.js';

/**
 * Whether `buffer` is ready to run: it ends with a semicolon that is not inside a quote, a dollar
 * quote or a comment (a token appended after it starts a statement of its own).
 */
export function isComplete(buffer: string): boolean {
  if (!buffer.trimEnd().endsWith(';')) return false;
  return splitStatements(`${buffer}\nx`).at(-1)?.sql === 'x';
}

/** A backslash command: `\d`, `\d users`, `\q`, `\?`. */
export interface MetaCommand {
  name: string;
  argument?: string;
}

export function parseMeta(line: string): MetaCommand | undefined {
  const match = /^\s*\\(\S+)(?:\s+(.*?))?\s*;?\s*$/.exec(line);
  if (!match) return undefined;
  return { name: match[1], argument: match[2] || undefined };
}
