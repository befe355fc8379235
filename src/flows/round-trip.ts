import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { isDbctlError, UsageError } from '../errors.js';
import { listMigrationFiles } from '../migrate/files.js';
import type { SchemaDiff, SchemaSnapshot } from '../schema/index.js';
import { withThrowawayDatabase } from '../database/throwaway.js';

/**
 * `ok`: down restored the schema and up then rebuilt the same one. `irreversible`: no down, so
 * skipped (its up stays applied and the next migrations are tested on top of it). `mismatch`: the
 * schema after down differs from before up (`phase: 'down'`), or up after down built a different
 * schema than the first time (`phase: 'reapply'`). `failed`: a step threw.
 */
export interface RoundTripResult {
  name: string;
  status: 'ok' | 'irreversible' | 'mismatch' | 'failed';
  phase?: 'up' | 'down' | 'reapply';
  /** For a mismatch, read as before → after: `extra` is what down left behind, `missing` what it dropped too much. */
  differences?: SchemaDiff;
  error?: string;
}

export interface RoundTripReport {
  ok: boolean;
  results: RoundTripResult[];
  irreversible: string[];
  /** The first migration whose down (or re-up) does not restore the schema, or that failed. */
  failed: string | null;
  summary: { migrations: number; passed: number; irreversible: number };
}

export type RoundTripEvent = { type: 'result'; result: RoundTripResult };

export interface RoundTripOptions {
  config: ResolvedConfig;
  /** Start at this migration (everything before it is applied first, untested). */
  from?: string;
  onEvent?: (event: RoundTripEvent) => void;
}

/**
 * Tests every migration's down on a throwaway database (the target is never touched): for each
 * one in order, snapshot the schema, up, snapshot, down, and the schema must equal the first
 * snapshot; then up again, and it must equal the second. Stops at the first that does not.
 */
export async function testMigrations(options: RoundTripOptions): Promise<RoundTripReport> {
  const { config } = options;
  const files = listMigrationFiles(config.migrations.dir);
  const start = options.from === undefined ? 0 : files.findIndex((f) => f.name === options.from);
  if (start < 0) throw new UsageError(`--from: no migration named "${options.from}"`);
  const [{ Migrator, migratorConfig }, { introspectSchema, diffSchemas }] = await Promise.all([import('../migrate/migrator.js'), import('../schema/index.js')]);
  const results: RoundTripResult[] = [];
  await withThrowawayDatabase(config, async (database: Database) => {
    // A throwaway database dbctl made for this run: nothing of the environment's is reverted there.
    const migrator = new Migrator({ database, ...migratorConfig(config), protection: undefined });
    const snapshot = () => introspectSchema(database, { migrations: config.migrations });
    const record = (result: RoundTripResult) => {
      results.push(result);
      options.onEvent?.({ type: 'result', result });
    };
    if (start > 0) await migrator.up({ to: files[start - 1].name });
    let before: SchemaSnapshot = await snapshot();
    for (const file of files.slice(start)) {
      const name = file.name;
      let phase: RoundTripResult['phase'] = 'up';
      try {
        await migrator.up({ step: 1 });
        const afterUp = await snapshot();
        phase = 'down';
        try {
          await migrator.down({ step: 1 });
        } catch (error) {
          if (!isDbctlError(error) || error.code !== 'no_down') throw error;
          record({ name, status: 'irreversible' });
          before = afterUp;
          continue;
        }
        const down = diffSchemas(before, await snapshot());
        if (!down.equal) return void record({ name, status: 'mismatch', phase, differences: down });
        phase = 'reapply';
        await migrator.up({ step: 1 });
        const again = await snapshot();
        const reapply = diffSchemas(afterUp, again);
        if (!reapply.equal) return void record({ name, status: 'mismatch', phase, differences: reapply });
        record({ name, status: 'ok' });
        before = again;
      } catch (error) {
        return void record({ name, status: 'failed', phase, error: String((error as Error)?.message ?? error) });
      }
    }
  });
  const irreversible = results.filter((r) => r.status === 'irreversible').map((r) => r.name);
  const bad = results.find((r) => r.status === 'mismatch' || r.status === 'failed');
  return {
    ok: !bad,
    results,
    irreversible,
    failed: bad?.name ?? null,
    summary: { migrations: results.length, passed: results.filter((r) => r.status === 'ok').length, irreversible: irreversible.length },
  };
}
