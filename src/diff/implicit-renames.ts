import type { SchemaSnapshot } from '../schema/model.js';
import { ident, qualifiedIdent } from '../schema/sql-names.js';
import { byName, keyOf } from './context.js';
import { step, type Step } from './step.js';

/**
 * Renames that lose nothing and need no hint: a constraint, index or owned sequence whose
 * definition is the same under another name (what follows a table or column rename: `old_pkey`
 * against `new_pkey`). Renaming keeps the index instead of building it again.
 */
export function implicitRenames(from: SchemaSnapshot, to: SchemaSnapshot): Step[] {
  const steps: Step[] = [];
  const toTables = byName(to.tables);
  for (const t of from.tables) {
    const next = toTables.get(keyOf(t));
    if (!next) continue;
    const table = qualifiedIdent(t.schema, t.name);
    const gone = t.constraints.filter((c) => !next.constraints.some((x) => x.name === c.name));
    const added = next.constraints.filter((c) => !t.constraints.some((x) => x.name === c.name));
    for (const c of gone) {
      const match = added.find((x) => x.kind === c.kind && x.definition === c.definition);
      if (!match) continue;
      added.splice(added.indexOf(match), 1);
      steps.push(step(`constraint ${c.name} on ${keyOf(t)}`, `ALTER TABLE ${table} RENAME CONSTRAINT ${ident(c.name)} TO ${ident(match.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
      c.name = match.name;
    }
    renameIndexes(t, next, steps);
  }
  const toViews = byName(to.views);
  for (const v of from.views) if (toViews.has(keyOf(v))) renameIndexes(v, toViews.get(keyOf(v))!, steps);
  renameSequences(from, to, steps);
  return steps;
}

type Indexed = { schema: string; name: string; indexes: SchemaSnapshot['tables'][number]['indexes'] };
const shape = (definition: string, name: string) => definition.replace(`INDEX ${ident(name)} ON`, 'INDEX _ ON');

function renameIndexes(a: Indexed, b: Indexed, steps: Step[]): void {
  const added = b.indexes.filter((i) => !a.indexes.some((x) => x.name === i.name));
  for (const i of a.indexes.filter((x) => !b.indexes.some((y) => y.name === x.name))) {
    const match = added.find((x) => shape(x.definition, x.name) === shape(i.definition, i.name));
    if (!match) continue;
    added.splice(added.indexOf(match), 1);
    steps.push(step(`index ${i.name} on ${keyOf(a)}`, `ALTER INDEX ${qualifiedIdent(a.schema, i.name)} RENAME TO ${ident(match.name)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
    i.definition = match.definition;
    i.name = match.name;
  }
}

function renameSequences(from: SchemaSnapshot, to: SchemaSnapshot, steps: Step[]): void {
  const props = ({ name: _n, comment: _c, grants: _g, ...rest }: SchemaSnapshot['sequences'][number]) => JSON.stringify(rest);
  const toNames = new Set(to.sequences.map(keyOf));
  const fromNames = new Set(from.sequences.map(keyOf));
  const added = to.sequences.filter((s) => !fromNames.has(keyOf(s)) && s.ownedBy);
  for (const s of from.sequences.filter((x) => !toNames.has(keyOf(x)) && x.ownedBy)) {
    const match = added.find((x) => props(x) === props(s));
    if (!match) continue;
    added.splice(added.indexOf(match), 1);
    steps.push(step(`sequence ${keyOf(s)}`, `ALTER SEQUENCE ${qualifiedIdent(s.schema, s.name)} RENAME TO ${ident(match.name)};`));
    const before = `'${qualifiedIdent(s.schema, s.name)}'::regclass`;
    const after = `'${qualifiedIdent(match.schema, match.name)}'::regclass`;
    for (const t of from.tables) for (const c of t.columns) if (c.default) c.default = c.default.replace(before, after);
    s.name = match.name;
  }
}
