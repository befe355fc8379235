import type { Database } from '../driver/database.js';
import { locate } from '../sql/sql-error.js';
import type { LintFinding } from './index.js';
import { describeHazard, keyOf, settle, tableSizes, volatileFunctions } from './large-tables.js';
import { lockHazards, type LockHazard, type Work } from './locks.js';
import type { LintSettings } from './rules.js';
import type { LintUnit } from './units.js';

type Found = Omit<LintFinding, 'level' | 'migration' | 'file' | 'direction'>;

const WEIGHT: Record<Work, number> = { rewrite: 2, scan: 1, catalog: 0 };

/**
 * dbctl's rules `large-table-rewrite` and `large-table-lock`: a statement of a pending migration
 * that takes ACCESS EXCLUSIVE on a table already holding at least `largeTableRows` rows. What the
 * table holds decides whether a lock is harmless or an outage, and only the live database knows
 * it, so applied migrations (which ran against the table as it was then) are not judged.
 */
export async function largeTableFindings(database: Database, units: LintUnit[], settings: LintSettings): Promise<{ unit: LintUnit; finding: Found }[]> {
  if (settings.levels['large-table-rewrite'] === 'off' && settings.levels['large-table-lock'] === 'off') return [];
  const located: { unit: LintUnit; offset: number; hazards: LockHazard[] }[] = [];
  for (const unit of units) {
    for (const statement of unit.parsed ?? []) {
      const hazards = lockHazards(statement);
      if (hazards.length) located.push({ unit, offset: statement.offset, hazards });
    }
  }
  if (!located.length) return [];
  const all = located.flatMap((l) => l.hazards);
  const [sizes, volatile] = await Promise.all([
    tableSizes(database, all.map((h) => h.relation), settings.largeTableRows),
    volatileFunctions(database, all.flatMap((h) => h.volatileIf ?? [])),
  ]);
  const out: { unit: LintUnit; finding: Found }[] = [];
  for (const { unit, offset, hazards } of located) {
    const { line, col } = locate(unit.text, 1, offset);
    // One finding per table a statement locks, for the heaviest thing it does there.
    const byTable = new Map<string, LockHazard[]>();
    for (const hazard of hazards.map((h) => settle(h, volatile))) byTable.set(keyOf(hazard.relation), [...(byTable.get(keyOf(hazard.relation)) ?? []), hazard]);
    for (const [key, list] of byTable) {
      const size = sizes.get(key);
      if (!size || size.rows < settings.largeTableRows) continue;
      const heaviest = Math.max(...list.map((h) => WEIGHT[h.work]));
      const worst = list.filter((h) => WEIGHT[h.work] === heaviest);
      const hazard: LockHazard = { ...worst[0], action: worst.map((h) => h.action).join(', ') };
      out.push({
        unit,
        finding: {
          rule: hazard.work === 'catalog' ? 'large-table-lock' : 'large-table-rewrite',
          source: 'dbctl',
          line,
          col,
          message: describeHazard(hazard, size),
          help: worst.map((h) => h.help).filter((h, k, a) => a.indexOf(h) === k).join('; '),
        },
      });
    }
  }
  return out;
}
