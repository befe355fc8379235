import { CheckFailedError, RefusedError } from '../errors.js';
import { sizeText } from '../lint/large-tables.js';
import type { SchemaSnapshot } from '../schema/model.js';
import { byName, keyOf, type Unplannable } from './context.js';
import type { Hints, Rename } from './renames.js';
import type { Hazard, Step } from './step.js';

/** A drop and an add that may be one rename: the plan will not guess. */
export interface Ambiguity {
  kind: 'table' | 'column';
  dropped: string;
  added: string;
  /** The hint that makes it a rename. */
  hint: string;
  /** The rename that settles it as one (what a `--hints` entry would say). */
  rename: Rename;
}

/** Drops and adds of the same kind side by side (tables in one schema, columns in one table) that no hint settles. */
export function ambiguities(from: SchemaSnapshot, to: SchemaSnapshot, drops: Hints['drops']): Ambiguity[] {
  const meant = new Set(drops.map((d) => `${d.kind} ${d.name}`));
  const out: Ambiguity[] = [];
  const toTables = byName(to.tables);
  const fromTables = byName(from.tables);
  const droppedTables = from.tables.filter((t) => !toTables.has(keyOf(t)) && !meant.has(`table ${keyOf(t)}`));
  for (const t of droppedTables) {
    for (const n of to.tables.filter((x) => x.schema === t.schema && !fromTables.has(keyOf(x)))) {
      const rename: Rename = { kind: 'table', from: keyOf(t), to: keyOf(n) };
      out.push({ kind: 'table', dropped: keyOf(t), added: keyOf(n), hint: `-- dbctl:renamed-from ${t.name} (above CREATE TABLE ${keyOf(n)})`, rename });
    }
  }
  for (const t of from.tables) {
    const next = toTables.get(keyOf(t));
    if (!next) continue;
    const gone = t.columns.filter((c) => !next.columns.some((x) => x.name === c.name) && !meant.has(`column ${keyOf(t)}.${c.name}`));
    const added = next.columns.filter((c) => !t.columns.some((x) => x.name === c.name));
    for (const c of gone) {
      for (const n of added) {
        const rename: Rename = { kind: 'column', table: keyOf(t), from: c.name, to: n.name };
        out.push({ kind: 'column', dropped: `${keyOf(t)}.${c.name}`, added: `${keyOf(t)}.${n.name}`, hint: `-- dbctl:renamed-from ${c.name} (on the line of column ${n.name})`, rename });
      }
    }
  }
  return out;
}

export function assertUnambiguous(list: Ambiguity[]): void {
  if (!list.length) return;
  const lines = list.map((a) => `${a.kind} ${a.dropped} dropped and ${a.added} added: a rename? add ${a.hint}, or {"kind": "${a.kind}", "name": "${a.dropped}"} to --hints "drops"`);
  throw new CheckFailedError(`migrate diff: ${list.length} ambiguous drop and add pair(s):\n  ${lines.join('\n  ')}`, {
    hint: 'declare each rename in the schema SQL (-- dbctl:renamed-from old_name) or in --hints FILE.json; a drop that is meant goes in the hints\' "drops"',
    data: { ambiguous: list },
  }, 'diff_ambiguous');
}

export function assertPlannable(list: Unplannable[]): void {
  if (!list.length) return;
  throw new CheckFailedError(`migrate diff cannot plan ${list.length} change(s):\n  ${list.map((u) => `${u.object}: ${u.change}`).join('\n  ')}`, {
    hint: 'write these changes in a migration by hand (dbctl migrate new), then run migrate diff again for the rest',
    data: { unplannable: list },
  }, 'diff_unplannable');
}

/** Steps that lose data, unless allowed by --allow-data-loss or --allow HAZARD. */
export function assertAllowed(steps: Step[], allow: Set<Hazard> | 'all'): void {
  if (allow === 'all') return;
  const refused = steps.filter((s) => s.hazards.includes('DELETES_DATA') && !allow.has('DELETES_DATA'));
  if (!refused.length) return;
  const size = (s: Step) => (s.size ? ` (${s.size.relation}: ${sizeText(s.size)})` : '');
  throw new RefusedError(`migrate diff: ${refused.length} step(s) delete data:\n  ${refused.map((s) => `${s.object}${size(s)}: ${s.sql.split('\n')[0]}`).join('\n  ')}`, {
    hint: 'if that is meant, run again with --allow-data-loss (or --allow DELETES_DATA); for a rename, declare it with -- dbctl:renamed-from',
    data: { steps: refused.map((s) => ({ object: s.object, sql: s.sql, size: s.size ?? null })) },
  }, 'data_loss');
}
