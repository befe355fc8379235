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
  return loadFixtureLines(dir, name, cwd).rows;
}

/** A fixture's rows with the line each starts on, and the file as messages show it. */
export interface LoadedFixture {
  rows: FixtureRow[];
  lines: number[];
  shown: string;
}

export function loadFixtureLines(dir: string, name: string, cwd = process.cwd()): LoadedFixture {
  const file = findFixture(dir, name, cwd);
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const shown = displayPath(file, cwd);
  return { ...(file.endsWith('.csv') ? parseCsvFixture(text, shown) : parseJsonFixture(text, shown)), shown };
}

/**
 * Two rows of a fixture with the same key are a mistake in the file: upserted together, Postgres
 * would only say "ON CONFLICT DO UPDATE command cannot affect row a second time", naming neither.
 * Rows with a null in the key never conflict (NULLs are distinct), so they are not compared.
 */
export function assertUniqueFixtureKeys(fixture: LoadedFixture, key: string[]): void {
  if (!key.length) return;
  const seen = new Map<string, number>();
  fixture.rows.forEach((row, i) => {
    const values = key.map((k) => row[k]);
    if (values.some((v) => v === null || v === undefined)) return;
    const id = JSON.stringify(values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))));
    const first = seen.get(id);
    if (first === undefined) return void seen.set(id, fixture.lines[i]);
    const shownKey = `(${key.join(', ')})=(${values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')})`;
    throw new UsageError(`${fixture.shown}:${fixture.lines[i]}: duplicate key ${shownKey}: line ${first} has the same key`, {
      hint: 'each row of a fixture needs its own key: remove or fix one of the two rows',
      data: { file: fixture.shown, line: fixture.lines[i], firstLine: first, key: Object.fromEntries(key.map((k, j) => [k, values[j]])) },
    }, 'fixture_duplicate_key');
  });
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

function parseJsonFixture(text: string, shown: string): { rows: FixtureRow[]; lines: number[] } {
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
  const lines = linesOfElements(text);
  data.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw invalid(shown, lines[i] ?? 1, 1, `element ${i} is not an object`);
    }
  });
  return { rows: data as FixtureRow[], lines: data.map((_, i) => lines[i] ?? 1) };
}

function parseCsvFixture(text: string, shown: string): { rows: FixtureRow[]; lines: number[] } {
  try {
    const records = parseCsv(text, {
      columns: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as unknown as Array<{ record: FixtureRow; info: { lines: number }; raw: string }>;
    // `info.lines` is the line a record ends on; its raw text (less the blank lines before it and
    // its own line break) says how many lines it spans, so where it starts.
    const startOf = (r: { info: { lines: number }; raw: string }) => r.info.lines - (r.raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    return { rows: records.map((r) => r.record), lines: records.map(startOf) };
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

/** The line where each element of a top-level JSON array starts (one scan, strings aware). */
function linesOfElements(text: string): number[] {
  const lines: number[] = [];
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
      lines[++element] = line;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') expectValue = ++depth === 1;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectValue = true;
  }
  return lines;
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
