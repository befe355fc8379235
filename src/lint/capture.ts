import type { ResolvedConfig } from '../config/resolve.js';
import { OperationError } from '../errors.js';
import type { MigrationFile } from '../migrate/files.js';
import { withThrowawayDatabase } from '../database/throwaway.js';

/** The SQL a TS/JS migration sends, per direction; null when it could not be captured (and why). */
export interface Captured {
  transaction: boolean;
  up: string[];
  /** Undefined: no down. */
  down?: string[] | { notCaptured: string };
}

/** Sentinel that rolls back the transaction a down was captured in. */
class Rollback extends Error {}

/**
 * A TS/JS migration's SQL exists only when it runs, so it is run where nothing matters: a
 * throwaway database migrated to just before the first migration linted, then every migration in
 * order up to the last module to capture (each one's up is committed, so the next finds what it
 * needs). A module's down runs after its up, in a transaction that is rolled back. Statements are
 * captured as Kysely sends them (database.onQuery), as `migrate up --dry-run` does.
 */
export async function captureModules(config: ResolvedConfig, files: MigrationFile[], wanted: Set<string>): Promise<Map<string, Captured>> {
  const captured = new Map<string, Captured>();
  const first = files.findIndex((f) => wanted.has(f.name));
  const last = files.findLastIndex((f) => wanted.has(f.name) && f.kind === 'module');
  if (first < 0 || last < 0) return captured;
  const [{ Migrator, migratorConfig }, { prepare }] = await Promise.all([import('../migrate/migrator.js'), import('../migrate/runner.js')]);
  await withThrowawayDatabase(config, async (database) => {
    if (first > 0) await new Migrator({ database, ...migratorConfig(config) }).up({ to: files[first - 1].name });
    const db = await database.kysely();
    let sink: string[] = [];
    // Kysely reports its own begin/commit/rollback too; they are dbctl's, not the migration's.
    const stop = database.onQuery((event) => {
      if (!/^\s*(begin|commit|rollback)\s*$/i.test(event.query.sql)) sink.push(event.query.sql);
    });
    const run = async (file: MigrationFile, direction: 'up' | 'down', keep: boolean) => {
      const p = await prepare(file, direction);
      sink = [];
      try {
        if (!keep) {
          await db.transaction().execute(async (trx) => {
            await p.run(trx);
            throw new Rollback();
          });
        } else if (p.transaction) await db.transaction().execute((trx) => p.run(trx));
        else await db.connection().execute((conn) => p.run(conn));
      } catch (error) {
        if (!(error instanceof Rollback)) throw captureFailed(file, direction, error);
      }
      return { statements: sink, transaction: p.transaction, hasBody: p.hasBody };
    };
    try {
      for (const file of files.slice(first, last + 1)) {
        const up = await run(file, 'up', true);
        if (file.kind !== 'module' || !wanted.has(file.name)) continue;
        const entry: Captured = { transaction: up.transaction, up: up.statements };
        const { hasBody } = await prepare(file, 'down');
        if (hasBody) {
          entry.down = up.transaction
            ? (await run(file, 'down', false)).statements
            : { notCaptured: 'its down runs outside a transaction, so it cannot be run and rolled back here' };
        }
        captured.set(file.name, entry);
      }
    } finally {
      stop();
    }
  });
  return captured;
}

function captureFailed(file: MigrationFile, direction: string, error: unknown): OperationError {
  const message = (error as { info?: { message?: string } })?.info?.message ?? (error as Error)?.message ?? String(error);
  return new OperationError(`lint: running ${file.name} (${direction}) on a throwaway database to capture its SQL failed: ${message}`, {
    hint: 'TS/JS migrations are linted by the SQL they send; fix the migration so it runs (dbctl migrate test runs every up and down too)',
    cause: error,
  }, 'lint_capture_failed');
}
