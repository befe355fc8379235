import fs from 'node:fs';
import { locate } from '../sql/sql-error.js';
import type { Direction } from '../migrate/runner.js';
import { parseSqlMigration, type SqlSection } from '../migrate/sql-file.js';
import { parseStatements, SqlParseError, type Statement } from '../sql/statements.js';
import type { Captured } from './capture.js';
import { ignoresInModule, ignoresInSql, type Ignores } from './ignores.js';

/** One direction of one migration, as the linters read it. */
export interface LintUnit {
  migration: string;
  file: string;
  kind: 'sql' | 'module';
  direction: Direction;
  transaction: boolean;
  /**
   * What squawk and the parser read. SQL: the whole file with the other section blanked out
   * (spaces, newlines kept), so squawk's line:column is the file's own and the header's comments
   * still apply. TS/JS: the captured statements, one after another.
   */
  text: string;
  /** Each statement with the line it starts on in `text`. */
  statements: { sql: string; line: number }[];
  /** Postgres's parse of `text`; null when it does not parse (squawk reports the syntax error). */
  parsed: Statement[] | null;
  /** Pending on the target: only then do dbctl's live-database rules apply. */
  live: boolean;
  ignores: Ignores;
}

/**
 * Each section is linted on its own (the up and the down run separately, each in its own
 * transaction mode): given the whole file at once, squawk would see the down's DROP TABLE as
 * part of the up, and a table the up creates as already there when the down runs.
 */
export async function sqlUnits(migration: string, file: string, live: boolean): Promise<LintUnit[]> {
  // Placeholders are linted as stand-ins (migrate/placeholders.ts): lint needs no value and shows none.
  const raw = fs.readFileSync(file, 'utf8');
  const { withStandIns } = await import('../migrate/placeholders.js');
  const parsed = parseSqlMigration(file, await withStandIns(raw, file));
  const ignores = ignoresInSql(parsed.text);
  const units: LintUnit[] = [];
  for (const [direction, section] of [['up', parsed.up], ['down', parsed.down]] as const) {
    if (!section) continue;
    const other = direction === 'up' ? parsed.down : parsed.up;
    const text = other ? blank(parsed.text, other) : parsed.text;
    const statements = await parse(text);
    units.push({
      migration, file, kind: 'sql', direction, transaction: section.transaction, text, live, ignores,
      parsed: statements,
      statements: (statements ?? []).map((s) => ({ sql: s.sql, line: locate(text, 1, s.offset).line })),
    });
  }
  return units;
}

export async function moduleUnits(migration: string, file: string, captured: Captured, live: boolean, notes: string[]): Promise<LintUnit[]> {
  const ignores = ignoresInModule(fs.readFileSync(file, 'utf8'));
  const units: LintUnit[] = [];
  const unit = async (direction: Direction, captured: string[]): Promise<LintUnit> => {
    const statements = captured.map((s) => s.trim().replace(/;\s*$/, ''));
    let text = '';
    const lines: { sql: string; line: number }[] = [];
    for (const sql of statements) {
      lines.push({ sql, line: text.split('\n').length });
      text += `${sql};\n\n`;
    }
    return { migration, file, kind: 'module', direction, transaction: capturedTransaction, text, live, ignores, parsed: await parse(text), statements: lines };
  };
  const capturedTransaction = captured.transaction;
  units.push(await unit('up', captured.up));
  if (Array.isArray(captured.down)) units.push(await unit('down', captured.down));
  else if (captured.down) notes.push(`${migration}: down not linted: ${captured.down.notCaptured}`);
  return units;
}

/** The line of the first line of the statement holding `line` (what a line disable names). */
export function statementLineAt(unit: LintUnit, line: number): number {
  let found = line;
  for (const s of unit.statements) if (s.line <= line) found = s.line;
  return found;
}

const starts = new WeakMap<LintUnit, { line: number; col: number }[]>();

/**
 * The index in `unit.parsed` of the statement holding line:col (1-based, col in characters, as
 * findings give them), or -1 before the first. One pass over the text per unit, however many asks.
 */
export function statementAt(unit: LintUnit, line: number, col: number): number {
  const parsed = unit.parsed ?? [];
  let at = starts.get(unit);
  if (!at) {
    at = [];
    let l = 1;
    let c = 1;
    let k = 0;
    for (const s of parsed) {
      for (; k < s.offset; k++) {
        const code = unit.text.charCodeAt(k);
        if (code === 10) (l++, (c = 1));
        else if (code !== 13 && !(code >= 0xdc00 && code <= 0xdfff)) c++;
      }
      at.push({ line: l, col: c });
    }
    starts.set(unit, at);
  }
  // The last statement starting at or before line:col.
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid].line < line || (at[mid].line === line && at[mid].col <= col)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function blank(text: string, section: SqlSection): string {
  const end = section.offset + section.sql.length;
  return text.slice(0, section.offset) + section.sql.replace(/[^\r\n]/g, ' ') + text.slice(end);
}

async function parse(text: string): Promise<Statement[] | null> {
  try {
    return await parseStatements(text);
  } catch (error) {
    if (error instanceof SqlParseError) return null;
    throw error;
  }
}
