import { sql, type Kysely } from 'kysely';
import { describeSqlError, isPostgresError, excerptAt, type SqlErrorInfo } from '../driver/sql-error.js';
import { frameIn, loadModuleMigration, type ModuleMigration } from './module.js';
import { parseSqlMigration, type SqlSection } from './sql-file.js';
import { splitStatements } from './split.js';
import type { MigrationFile } from './files.js';
import fs from 'node:fs';
import { inUserCode } from '../user-code.js';

export type Direction = 'up' | 'down';

/** A migration ready to run in one direction: loaded, with its transaction mode known. */
export interface Prepared {
  file: MigrationFile;
  direction: Direction;
  transaction: boolean;
  /** Runs the migration's body on `db` (a transaction, or a single session when non-transactional). */
  run(db: Kysely<any>): Promise<void>;
  /** For --dry-run of SQL: the text that would run. */
  sqlText?: string;
  hasBody: boolean;
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

export async function prepare(file: MigrationFile, direction: Direction): Promise<Prepared> {
  if (file.kind === 'sql') {
    const parsed = parseSqlMigration(file.file);
    const section = direction === 'up' ? parsed.up : parsed.down;
    return {
      file,
      direction,
      transaction: section?.transaction ?? true,
      hasBody: !!section,
      sqlText: section?.sql.trim(),
      run: (db) => runSqlSection(db, file, parsed.text, section!),
    };
  }
  const mod: ModuleMigration = await loadModuleMigration(file.file);
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

async function runSqlSection(db: Kysely<any>, file: MigrationFile, text: string, section: SqlSection): Promise<void> {
  // One script, one round trip, exactly as written: the driver executes multi-statement text.
  const statements = section.transaction ? [{ sql: section.sql, offset: 0 }] : splitStatements(section.sql);
  for (const statement of statements) {
    try {
      await sql.raw(statement.sql).execute(db);
    } catch (error) {
      const info = describeSqlError(error, { text, offset: section.offset + statement.offset });
      throw new MigrationBodyError({ ...info, name: file.name, file: file.file }, error);
    }
  }
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
 * SQLSTATE 55P03): a transactional migration is rolled back whole, so retrying it is safe.
 */
export async function withLockRetry<T>(name: string, attempt: () => Promise<T>, onRetry?: (e: RetryEvent) => void): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const original = error instanceof MigrationBodyError ? error.original : error;
      if ((original as { code?: string })?.code !== LOCK_NOT_AVAILABLE || n > MAX_LOCK_RETRIES) throw error;
      const delayMs = 250 * 2 ** (n - 1);
      onRetry?.({ name, attempt: n, delayMs, message: (original as Error).message });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** A script of dbctl's own (no parameters, possibly several statements) on `db`'s session. */
export async function execScript(db: Kysely<any>, text: string): Promise<void> {
  await sql.raw(text).execute(db);
}
