import type { Kysely } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import { describeSqlError, isPostgresError, excerptAt, locate, type SqlErrorInfo } from '../sql/sql-error.js';
import { UsageError } from '../errors.js';
import { frameIn, loadModuleMigration, type ModuleMigration } from './module.js';
import { mayHoldViolation, transactionalViolation } from './sql-checks.js';
import { parseSqlMigration, type SqlMigration, type SqlSection } from './sql-file.js';
import { mayHavePlaceholders, type Expansion, type PlaceholderSource } from './placeholders.js';
import { isBlank, parseStatements, SqlParseError, type Statement } from '../sql/statements.js';
import type { MigrationFile } from './files.js';
import { inUserCode } from '../user-code.js';
import { completedStatements } from '../sql/script-progress.js';
import { pollUntil } from '../poll-until.js';

export type Direction = 'up' | 'down';

/** A migration ready to run in one direction: loaded, with its transaction mode known. */
export interface Prepared {
  file: MigrationFile;
  direction: Direction;
  transaction: boolean;
  /** Runs the migration's body on `db` (a transaction, or a single session when non-transactional). */
  run(db: Kysely<any>): Promise<void>;
  /** For --dry-run of SQL: the text that would run (placeholders' secrets shown as `***`). */
  sqlText?: string;
  /** A section with placeholders, for psql: env placeholders as psql variables (placeholders.ts), and their names. */
  psqlText?: string;
  psqlVariables?: string[];
  hasBody: boolean;
  /** A SQL section with no statements (an empty down): running it changes nothing but the bookkeeping. */
  empty?: boolean;
  /**
   * A transactional SQL section, which the migrator sends in one message with its own statements
   * (BEGIN, bookkeeping, COMMIT): one round trip per migration.
   */
  script?: SqlScript;
}

/** A transactional SQL section as text to send, and how to report its failure. */
export interface SqlScript {
  sql: string;
  /**
   * What the section's failure means for the report; `at` is where `sql` starts in the message that
   * was sent (in characters: Postgres's `position` counts from the start of the message), and
   * `before` how many statements of the message come before it.
   */
  failure(error: unknown, at: number, before: number): Promise<MigrationBodyError>;
}

export interface RetryEvent {
  name: string;
  attempt: number;
  delayMs: number;
  message: string;
}

/** Failure facts for the report: where in the file, and what Postgres said. */
export interface FailureInfo extends SqlErrorInfo {
  name: string;
  file: string;
}

export class MigrationBodyError extends Error {
  constructor(readonly info: FailureInfo, readonly original: unknown) {
    super(info.message);
  }
}

export async function prepare(file: MigrationFile, direction: Direction, placeholders?: PlaceholderSource): Promise<Prepared> {
  if (file.kind === 'sql') {
    const { parsed, expansion } = await parseExpanded(file, placeholders);
    const section = direction === 'up' ? parsed.up : parsed.down;
    // A transactional section with no word that could be refused is not parsed before it runs
    // (mayHoldViolation); its statements are needed only to say where it failed.
    const checked = section && (!section.transaction || mayHoldViolation(section.sql)) ? await checkedStatements(file, parsed.text, section, direction) : undefined;
    const statements = async () => checked ?? (section ? await parseStatements(section.sql).catch(() => []) : []);
    // Only where a failure without a position was: the boundaries already parsed, or found cheaply.
    const boundaries = async () => checked ?? (section ? await statementBoundaries(section.sql) : []);
    return {
      file,
      direction,
      transaction: section?.transaction ?? true,
      hasBody: !!section,
      empty: !!section && isBlank(section.sql),
      sqlText: (expansion ? sectionOf(expansion.shown, direction) : section?.sql)?.trim(),
      ...(expansion ? { psqlText: sectionOf(expansion.psql, direction)?.trim(), psqlVariables: expansion.variables } : {}),
      run: (db) => runSqlSection(db, file, parsed.text, section!, statements, boundaries),
      script: section?.transaction
        ? { sql: section.sql, failure: async (error, at, before) => sectionFailure(file, parsed.text, section, { offset: 0, whole: true, before }, await boundaries(), shifted(error, at)) }
        : undefined,
    };
  }
  const mod: ModuleMigration = file.kind === 'provided' ? providedMigration(file) : await loadModuleMigration(file.file);
  const body = direction === 'up' ? mod.up : mod.down;
  return {
    file,
    direction,
    transaction: mod.config?.transaction !== false,
    hasBody: typeof body === 'function',
    run: async (db) => {
      try {
        await inUserCode(file.file, () => body!.call(mod, db));
      } catch (error) {
        throw new MigrationBodyError(moduleFailure(file, error), error);
      }
    },
  };
}

/**
 * A SQL migration read and parsed with its placeholders expanded (placeholders.ts): an unset one
 * stops here, before anything runs. Offsets and lines then refer to the expanded text, which has
 * the file's lines as long as no value holds a newline.
 */
async function parseExpanded(file: MigrationFile, placeholders?: PlaceholderSource): Promise<{ parsed: SqlMigration; expansion?: Expansion }> {
  const parsed = parseSqlMigration(file.file);
  if (!mayHavePlaceholders(parsed.text)) return { parsed };
  const { expandPlaceholders } = await import('./placeholders.js');
  const expansion = await expandPlaceholders(parsed.text, file.file, placeholders);
  return expansion ? { parsed: parseSqlMigration(file.file, expansion.text), expansion } : { parsed };
}

function sectionOf(text: string, direction: Direction): string | undefined {
  const parsed = parseSqlMigration('', text);
  return (direction === 'up' ? parsed.up : parsed.down)?.sql;
}

function providedMigration(file: MigrationFile): ModuleMigration {
  const m = file.migration;
  if (typeof m?.up !== 'function') throw new UsageError(`migration "${file.name}" from the provider has no up() function`, {}, 'migration_invalid');
  if (m.down !== undefined && typeof m.down !== 'function') throw new UsageError(`migration "${file.name}" from the provider: "down" must be a function`, {}, 'migration_invalid');
  return m;
}

/**
 * The section's statements, parsed by Postgres's own parser, refusing before anything runs what
 * cannot work: a psql meta-command, transaction control or a statement Postgres refuses in a
 * transaction block inside a transactional section, and (where dbctl must split it) a section
 * that does not parse. A transactional section that does not parse is left to the server, which
 * rejects the whole script before running any of it and says where.
 */
async function checkedStatements(file: MigrationFile, text: string, section: SqlSection, direction: Direction): Promise<Statement[]> {
  const name = path.basename(file.file);
  const where = (offset: number) => {
    const { line, col } = locate(text, 1, section.offset + offset);
    return { at: `${name}:${line}:${col}`, data: { file: file.file, line, col } };
  };
  const marker = `"-- migrate:${direction} transaction:false"`;
  let statements: Statement[];
  try {
    statements = await parseStatements(section.sql);
  } catch (error) {
    if (!(error instanceof SqlParseError)) throw error;
    const { at, data } = where(error.offset);
    if (error.metaCommand) {
      throw new UsageError(`${at}: psql meta-command ${error.metaCommand} is not SQL: dbctl sends the section to the server, not to psql`, {
        hint: 'remove it; to work in another database, give that database its own migrations and --url',
        data,
      }, 'migration_invalid');
    }
    if (section.transaction) return [];
    throw new UsageError(`${at}: ${error.message}`, { hint: 'a transaction:false section is split into statements before it runs, so it must parse', data }, 'migration_invalid');
  }
  if (section.transaction) {
    const violation = transactionalViolation(statements);
    if (violation) {
      const { at, data } = where(violation.statement.offset);
      throw new UsageError(`${at}: ${violation.message}`, {
        hint: violation.fix === 'savepoint' ? 'set it with SAVEPOINT in the same section first' : `remove it, or mark the section ${marker}: its statements then run one by one, outside a transaction`,
        data,
      }, 'migration_invalid');
    }
  }
  return statements;
}

/**
 * A transactional section goes to the server as one script, exactly as written: one round trip,
 * and multi-statement text behaves the same on both drivers. A transaction:false section runs
 * statement by statement (Postgres refuses CREATE INDEX CONCURRENTLY in the implicit transaction of
 * a multi-statement script). A section with no statements (an empty down) runs nothing.
 */
async function runSqlSection(db: Kysely<any>, file: MigrationFile, text: string, section: SqlSection, statementsOf: () => Promise<Statement[]>, boundaries: () => Promise<Boundary[]>): Promise<void> {
  if (isBlank(section.sql)) return;
  const pieces = section.transaction ? [{ sql: section.sql, offset: 0, whole: true, before: 0 }] : (await statementsOf()).map((s) => ({ ...s, whole: false, before: 0 }));
  const { sql } = await import('kysely');
  for (const piece of pieces) {
    try {
      await sql.raw(piece.sql).execute(db);
    } catch (error) {
      throw sectionFailure(file, text, section, piece, piece.whole ? await boundaries() : [], error);
    }
  }
}

/**
 * The report of a failed section (or statement of one): where Postgres said; without a position
 * (a constraint violation, a timeout, a RAISE), the statement that failed: the one that ran alone,
 * or the section's statement at the index the driver counted (the statements the server completed
 * before the error, `before` of them dbctl's own). Nothing runs again to find it: a re-run would
 * repeat a slow statement and what no rollback undoes (sequences), and double a large section's
 * time and memory. Without a count (PGlite inside --single-transaction) the report names the
 * migration without a line.
 */
function sectionFailure(file: MigrationFile, text: string, section: SqlSection, piece: { offset: number; whole: boolean; before: number }, statements: Boundary[], error: unknown): MigrationBodyError {
  const info = describeSqlError(error, { text, offset: section.offset + piece.offset });
  const completed = completedStatements(error);
  const counted = completed === undefined ? undefined : statements[completed - piece.before];
  const failed = piece.whole ? (statements.length === 1 ? statements[0] : counted) : piece;
  if (info.line === undefined && failed) Object.assign(info, statementLocation(text, section.offset + failed.offset));
  return new MigrationBodyError({ ...info, name: file.name, file: file.file }, error);
}

/** Where a statement of a section starts. */
type Boundary = Pick<Statement, 'offset'>;

/** Above this, Postgres's parser costs seconds and hundreds of MB (5 MB: ~8 s, ~280 MB) just to say where a failure was. */
const PARSE_FOR_LOCATION_MAX = 1_000_000;

/**
 * Where each statement of a section starts, as the server split them, at the least cost: the
 * lexical splitter (split.ts: quotes, dollar quotes, comments; megabytes in a fraction of a second)
 * agrees with the server's parser except inside a `BEGIN ATOMIC … END` body or a multi-action
 * `CREATE RULE … DO (…; …)`, whose inner semicolons it would take for ends. Where one of those
 * appears, Postgres's own parser decides, if the section is small enough to parse cheaply;
 * otherwise the failure is reported without a line rather than with a wrong one.
 */
async function statementBoundaries(sql: string): Promise<Boundary[]> {
  const { codeOutsideQuotes, splitStatements } = await import('../sql/split.js');
  if (!/\bbegin\s+atomic\b|\brule\b/i.test(codeOutsideQuotes(sql))) return splitStatements(sql);
  return sql.length <= PARSE_FOR_LOCATION_MAX ? parseStatements(sql).catch(() => []) : [];
}

/** The error with its `position` counted from `at` instead of from the start of the message. */
function shifted(error: unknown, at: number): unknown {
  const position = Number((error as { position?: unknown })?.position);
  if (!at || !Number.isFinite(position) || position <= 0) return error;
  return Object.assign(Object.create(Object.getPrototypeOf(error)), error, { message: (error as Error).message, position: String(position - at) });
}

/** line:column and excerpt of a statement's first character. */
export function statementLocation(text: string, offset: number): { line: number; col: number; excerpt: string } {
  const { line, col } = locate(text, 1, offset);
  return { line, col, excerpt: excerptAt(text, line, col) };
}

/** A TS/JS migration's failure seen after its body returned (a deferred statement's, deferred-ddl.ts), reported as its body's. */
export function moduleBodyError(file: MigrationFile, error: unknown): MigrationBodyError {
  return new MigrationBodyError(moduleFailure(file, error), error);
}

function moduleFailure(file: MigrationFile, error: unknown): FailureInfo {
  const info: SqlErrorInfo = isPostgresError(error) ? describeSqlError(error) : { message: String((error as Error)?.message ?? error) };
  const frame = frameIn(error, file.file);
  if (frame) {
    info.line = frame.line;
    info.col = frame.col;
    try {
      info.excerpt = excerptAt(fs.readFileSync(file.file, 'utf8'), frame.line, frame.col);
    } catch {
      /* file unreadable: the location is enough */
    }
  }
  return { ...info, name: file.name, file: file.file };
}

export const LOCK_NOT_AVAILABLE = '55P03';
export const MAX_LOCK_RETRIES = 3;

/**
 * Runs `attempt` and retries it when a statement gave up waiting for a table lock (lock_timeout,
 * SQLSTATE 55P03): a transactional migration is rolled back whole, so retrying it is safe. `name`
 * may be a function when one attempt runs several migrations in turn (each in its own
 * transaction): the retry resumes with the one that failed, and each migration gets its own
 * MAX_LOCK_RETRIES.
 */
export async function withLockRetry<T>(name: string | (() => string), attempt: () => Promise<T>, onRetry?: (e: RetryEvent) => void): Promise<T> {
  const nameOf = () => (typeof name === 'function' ? name() : name);
  let failing: string | undefined;
  let n = 0;
  const done = await pollUntil(async (turn) => {
    try {
      return { value: await attempt() };
    } catch (error) {
      const original = error instanceof MigrationBodyError ? error.original : error;
      if ((original as { code?: string })?.code !== LOCK_NOT_AVAILABLE) throw error;
      n++;
      // Each migration gets its own retries, from the first delay.
      if (nameOf() !== failing) (failing = nameOf()), (n = 1), turn.restart();
      if (n > MAX_LOCK_RETRIES) throw error;
      onRetry?.({ name: failing, attempt: n, delayMs: turn.delayMs, message: (original as Error).message });
      return undefined;
    }
  }, { delayMs: 250 });
  return done.value;
}

/** A script of dbctl's own (no parameters, possibly several statements) on `db`'s session. */
export async function execScript(db: Kysely<any>, text: string): Promise<void> {
  const { sql } = await import('kysely');
  await sql.raw(text).execute(db);
}
