import { UsageError } from '../errors.js';
import type { ForeignKeyEdge, TableRef } from './catalog.js';

export interface ResetPlan {
  /** Emptied by name, in the one TRUNCATE statement. */
  truncate: TableRef[];
  /** Kept: the migration bookkeeping, `--keep` and `reset.keep`. */
  kept: TableRef[];
  /** Outside the managed schemas but emptied anyway, because CASCADE follows their foreign keys. */
  cascaded: TableRef[];
}

export interface PlanInput {
  tables: TableRef[];
  foreignKeys: ForeignKeyEdge[];
  /** Never emptied: the migration bookkeeping tables. */
  bookkeeping: TableRef[];
  /** `--keep` names (`table` or `schema.table`): each must name a managed table. */
  keep: string[];
  /** `reset.keep` from the config: names of tables that may not exist yet are ignored. */
  configKeep: string[];
}

export const qualified = (t: TableRef) => `${t.schema}.${t.table}`;
const key = (t: TableRef) => JSON.stringify([t.schema, t.table]);

/**
 * Decides what reset empties. A kept table that references an emptied one would be emptied by
 * CASCADE all the same, so that is refused up front rather than discovered as lost data.
 */
export function planReset(input: PlanInput): ResetPlan {
  const keptKeys = new Set(input.bookkeeping.map(key));
  for (const name of input.keep) {
    const found = findTable(input.tables, name);
    if (!found) {
      throw new UsageError(`--keep ${name}: no such table in schema(s) ${[...new Set(input.tables.map((t) => t.schema))].join(', ') || '(none)'}`, {
        hint: `tables: ${input.tables.map(qualified).slice(0, 20).join(', ') || '(none)'}`,
      });
    }
    keptKeys.add(key(found));
  }
  for (const name of input.configKeep) {
    const found = findTable(input.tables, name);
    if (found) keptKeys.add(key(found));
  }

  const truncate = input.tables.filter((t) => !keptKeys.has(key(t)));
  const kept = input.tables.filter((t) => keptKeys.has(key(t)));
  const emptied = new Set(truncate.map(key));
  const cascaded: TableRef[] = [];
  // Follow foreign keys backwards until nothing new would be emptied.
  for (let grew = true; grew; ) {
    grew = false;
    for (const fk of input.foreignKeys) {
      if (!emptied.has(key(fk.to)) || emptied.has(key(fk.from))) continue;
      if (keptKeys.has(key(fk.from))) {
        throw new UsageError(`cannot keep ${qualified(fk.from)}: it references ${qualified(fk.to)}, which reset empties, so TRUNCATE … CASCADE would empty it too`, {
          hint: `keep ${qualified(fk.to)} as well (--keep ${qualified(fk.to)})`,
        });
      }
      emptied.add(key(fk.from));
      cascaded.push(fk.from);
      grew = true;
    }
  }
  return { truncate, kept, cascaded };
}

/** `name` as a table name first (it may contain a dot), then as `schema.table`. */
function findTable(tables: TableRef[], name: string): TableRef | undefined {
  const byName = tables.filter((t) => t.table === name);
  if (byName.length === 1) return byName[0];
  const dot = name.indexOf('.');
  if (dot > 0) {
    const [schema, table] = [name.slice(0, dot), name.slice(dot + 1)];
    const found = tables.find((t) => t.schema === schema && t.table === table);
    if (found) return found;
  }
  if (byName.length > 1) {
    throw new UsageError(`--keep ${name}: ambiguous, it exists in schemas ${byName.map((t) => t.schema).join(', ')}`, {
      hint: `qualify it: --keep ${byName[0].schema}.${name}`,
    });
  }
  return undefined;
}
