import path from 'node:path';
import type { FailureInfo } from './runner.js';

/** The multi-line failure report: file:line:col, the lines around it with a caret, SQLSTATE, detail, hint. */
export function formatFailure(failure: FailureInfo, cwd: string): string {
  const rel = path.relative(cwd, failure.file) || failure.file;
  const where = failure.line ? `${rel}:${failure.line}:${failure.col}` : rel;
  const lines = [`${where}: ${failure.message}`];
  if (failure.excerpt) lines.push(failure.excerpt);
  if (failure.sqlstate) lines.push(`SQLSTATE ${failure.sqlstate}`);
  if (failure.detail) lines.push(`detail: ${failure.detail}`);
  if (failure.hint) lines.push(`hint (from Postgres): ${failure.hint}`);
  if (failure.where) lines.push(`where: ${failure.where}`);
  return lines.join('\n');
}
