import type { SchemaSnapshot, TableInfo, ViewInfo } from '../schema/model.js';
import { qualifiedIdent } from '../schema/sql-names.js';
import { PHASES, type Phase, type Step } from './step.js';

/** A change the planner cannot express: named, never dropped from the plan. */
export interface Unplannable {
  object: string;
  change: string;
}

/**
 * What every kind planner shares: both snapshots, the steps so far by phase, and what earlier
 * kinds decided that later ones must know (tables created in this plan get plain index builds;
 * views over a changed column are recreated; objects recreated get their grants and comments again).
 */
export class PlanContext {
  readonly steps = new Map<Phase, Step[]>(PHASES.map((p) => [p, []]));
  readonly unplannable: Unplannable[] = [];
  /** `schema.table` created by this plan. */
  readonly newTables = new Set<string>();
  /** `schema.table` dropped by this plan. */
  readonly droppedTables = new Set<string>();
  /** `schema.table.column` dropped by this plan. */
  readonly droppedColumns = new Set<string>();
  /** Relations (tables, views) whose columns change type or go away: views over them are recreated. */
  readonly touchedRelations = new Set<string>();
  /** `kind name` of objects dropped and created again (their grants and comments start from none). */
  readonly recreated = new Set<string>();
  readonly fromTables: Map<string, TableInfo>;
  readonly toTables: Map<string, TableInfo>;
  readonly fromViews: Map<string, ViewInfo>;
  readonly toViews: Map<string, ViewInfo>;

  constructor(readonly from: SchemaSnapshot, readonly to: SchemaSnapshot) {
    this.fromTables = byName(from.tables);
    this.toTables = byName(to.tables);
    this.fromViews = byName(from.views);
    this.toViews = byName(to.views);
  }

  add(phase: Phase, ...steps: Step[]): void {
    this.steps.get(phase)!.push(...steps);
  }

  cannot(object: string, change: string): void {
    this.unplannable.push({ object, change });
  }

  /**
   * The steps in execution order. Types are created in the order the kinds are planned (enums, then
   * domains and composites that may use them), so they are dropped the other way round.
   */
  ordered(): Step[] {
    return PHASES.flatMap((p) => (p === 'drop-type' ? [...this.steps.get(p)!].reverse() : this.steps.get(p)!));
  }
}

export const keyOf = (r: { schema: string; name: string }) => `${r.schema}.${r.name}`;
export const nameOf = (r: { schema: string; name: string }) => qualifiedIdent(r.schema, r.name);

export function byName<T extends { schema: string; name: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((o) => [keyOf(o), o]));
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
