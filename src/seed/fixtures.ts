import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { UsageError } from '../errors.js';

export type FixtureRow = Record<string, unknown>;

export const FIXTURE_EXTENSIONS = ['.json', '.csv'];

/**
 * Loads static reference data by name from the fixtures folder: `courses` is `courses.json` or
 * `courses.csv` (a sub-path like `ref/countries` works too). JSON is an array of objects; CSV has a
 * header row, every field is text and an unquoted empty field is null. A broken file fails naming
 * the file and line.
 */
export function loadFixture(dir: string, name: string, cwd = process.cwd()): FixtureRow[] {
  const file = findFixture(dir, name, cwd);
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const shown = displayPath(file, cwd);
  return file.endsWith('.csv') ? parseCsvFixture(text, shown) : parseJsonFixture(text, shown);
}

function findFixture(dir: string, name: string, cwd: string): string {
  const candidates = FIXTURE_EXTENSIONS.includes(path.extname(name))
    ? [path.join(dir, name)]
    : FIXTURE_EXTENSIONS.map((ext) => path.join(dir, name + ext));
  const found = candidates.filter((f) => fs.existsSync(f));
  if (found.length === 0) {
    throw new UsageError(`fixture "${name}" not found: looked for ${candidates.map((f) => displayPath(f, cwd)).join(', ')}`, {}, 'fixture_missing');
  }
  if (found.length > 1) {
    throw new UsageError(`fixture "${name}" is ambiguous: ${found.map((f) => displayPath(f, cwd)).join(' and ')}`, {
      hint: `name it with its extension (e.g. "${name}.json") or remove one`,
    }, 'fixture_ambiguous');
  }
  return found[0];
}

function parseJsonFixture(text: string, shown: string): FixtureRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // V8 says "… at position N" (0-based, UTF-16 units) or nothing when the input just ends.
    const position = /position (\d+)/.exec(message);
    const { line, col } = lineAndColumn(text, position ? Number(position[1]) : text.length);
    throw invalid(shown, line, col, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$|\s*\(line \d+ column \d+\)/, '')}`);
  }
  if (!Array.isArray(data)) throw invalid(shown, 1, 1, 'a JSON fixture must be an array of objects');
  data.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw invalid(shown, lineOfElement(text, i), 1, `element ${i} is not an object`);
    }
  });
  return data as FixtureRow[];
}

function parseCsvFixture(text: string, shown: string): FixtureRow[] {
  try {
    return parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as FixtureRow[];
  } catch (error) {
    const e = error as Error & { lines?: number; code?: string };
    throw invalid(shown, e.lines ?? 1, undefined, `invalid CSV: ${e.message.replace(/^Invalid Record Length: /, '')}`);
  }
}

function invalid(shown: string, line: number, col: number | undefined, message: string): UsageError {
  return new UsageError(`${shown}:${line}${col ? `:${col}` : ''}: ${message}`, { data: { file: shown, line } }, 'fixture_invalid');
}

function lineAndColumn(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

/** The line where the i-th element of a top-level JSON array starts (a small scan, strings aware). */
function lineOfElement(text: string, target: number): number {
  let depth = 0;
  let element = -1;
  let expectValue = false;
  let inString = false;
  for (let i = 0, line = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectValue && !/\s/.test(c)) {
      expectValue = false;
      if (++element === target) return line;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') expectValue = ++depth === 1;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectValue = true;
  }
  return 1;
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
