import type { MigratorProps } from '../migrate/migrator.js';
import { OperationError } from '../errors.js';
import type { MigrationFile } from '../migrate/files.js';
import type { Prepared } from '../migrate/runner.js';
import { withThrowawayDatabase, type ThrowawaySettings } from '../database/throwaway.js';

/** The SQL a TS/JS migration sends, per direction; null when it could not be captured (and why). */
export interface Captured {
  transaction: boolean;
  up: string[];
  /** Undefined: no down. */
  down?: string[] | { notCaptured: string };
}

/**
 * A TS/JS migration's SQL exists only when it runs, so it is run where nothing matters: a
 * throwaway database migrated to just before the first migration linted, then every migration in
 * order up to the last module to capture (each one's up is committed, so the next finds what it
 * needs). A module's down is the Migrator's dry run of it (dry-run.ts), right after its up:
 * captured as `migrate down --dry-run` would, in a transaction that is rolled back.
 */
export async function captureModules(scratch: ThrowawaySettings, migrator: Omit<MigratorProps, 'database'>, files: MigrationFile[], wanted: Set<string>): Promise<Map<string, Captured>> {
  const captured = new Map<string, Captured>();
  const first = files.findIndex((f) => wanted.has(f.name));
  const last = files.findLastIndex((f) => wanted.has(f.name) && f.kind === 'module');
  if (first < 0 || last < 0) return captured;
  const [{ Migrator }, { prepare }, { capturing, dryRunPrepared }] = await Promise.all([import('../migrate/migrator.js'), import('../migrate/runner.js'), import('../migrate/dry-run.js')]);
  await withThrowawayDatabase(scratch, async (database) => {
    if (first > 0) await new Migrator({ database, ...migrator }).up({ to: files[first - 1].name });
    const db = await database.kysely();
    const up = async (file: MigrationFile) => {
      const p = await prepare(file, 'up');
      const run = p.transaction ? () => db.transaction().execute((trx) => p.run(trx)) : () => db.connection().execute((conn) => p.run(conn));
      const statements = await capturing(database, run).catch((error) => Promise.reject(captureFailed(file, 'up', error)));
      return { statements, transaction: p.transaction };
    };
    const down = async (file: MigrationFile, p: Prepared) => {
      let statements: string[] = [];
      await dryRunPrepared(database, [p], (_, step) => (statements = step.statements)).catch((error) => Promise.reject(captureFailed(file, 'down', error)));
      return statements;
    };
    for (const file of files.slice(first, last + 1)) {
      const applied = await up(file);
      if (file.kind !== 'module' || !wanted.has(file.name)) continue;
      const entry: Captured = { transaction: applied.transaction, up: applied.statements };
      const p = await prepare(file, 'down');
      if (p.hasBody) {
        entry.down = applied.transaction ? await down(file, p) : { notCaptured: 'its down runs outside a transaction, so it cannot be run and rolled back here' };
      }
      captured.set(file.name, entry);
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
