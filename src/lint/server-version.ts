import { locate } from '../sql/sql-error.js';
import type { Database } from '../driver/database.js';
import { EMBEDDED_MAJOR, userFunctionsIn, versionProblems } from '../migrate/server-version.js';
import type { LintFinding } from './index.js';
import type { LintUnit } from './units.js';

type Found = Omit<LintFinding, 'level' | 'migration' | 'file' | 'direction'>;

export const POSTGRES_VERSION = 'postgres-version';

/**
 * dbctl's rule `postgres-version`, on the embedded database only: what the production server's
 * Postgres (`postgres.version`) would refuse, by the check `migrate up` runs (migrate/server-version.ts),
 * so lint and up cannot disagree. TS/JS migrations are checked on the SQL they were captured sending.
 */
export async function postgresVersionFindings(database: Database, units: LintUnit[], major: number): Promise<Array<{ unit: LintUnit; finding: Found }>> {
  if (major >= EMBEDDED_MAJOR) return [];
  const userFunctions = await userFunctionsIn(database);
  const out: Array<{ unit: LintUnit; finding: Found }> = [];
  for (const unit of units) {
    if (!unit.parsed) continue;
    for (const p of await versionProblems(unit.text, major, { userFunctions })) {
      out.push({
        unit,
        finding: {
          rule: POSTGRES_VERSION,
          source: 'dbctl',
          ...locate(unit.text, 1, p.offset),
          message: `${p.message}; production runs PostgreSQL ${major} (postgres.version), so migrate up refuses this`,
          help: `the embedded database is PostgreSQL ${EMBEDDED_MAJOR} and accepts it; write it the PostgreSQL ${major} way, or raise postgres.version if production is newer`,
        },
      });
    }
  }
  return out;
}
