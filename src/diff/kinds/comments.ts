import type { SchemaSnapshot } from '../../schema/model.js';
import { ident, literal, qualifiedIdent } from '../../schema/sql-names.js';
import type { PlanContext } from '../context.js';
import { functionKey } from './functions.js';
import { step } from '../step.js';

/** Every comment of a snapshot by the key the steps name its object with, and the COMMENT ON target. */
function commented(s: SchemaSnapshot): Map<string, { on: string; comment: string | null }> {
  const out = new Map<string, { on: string; comment: string | null }>();
  const add = (key: string, on: string, comment: string | null) => out.set(key, { on, comment });
  const q = (schema: string, name: string) => qualifiedIdent(schema, name);
  for (const x of s.schemas) add(`schema ${x.name}`, `SCHEMA ${ident(x.name)}`, x.comment);
  for (const x of s.enums) add(`enum ${x.schema}.${x.name}`, `TYPE ${q(x.schema, x.name)}`, x.comment);
  for (const x of s.domains) add(`domain ${x.schema}.${x.name}`, `DOMAIN ${q(x.schema, x.name)}`, x.comment);
  for (const x of s.compositeTypes) add(`composite type ${x.schema}.${x.name}`, `TYPE ${q(x.schema, x.name)}`, x.comment);
  for (const x of s.sequences) add(`sequence ${x.schema}.${x.name}`, `SEQUENCE ${q(x.schema, x.name)}`, x.comment);
  for (const f of s.functions) add(`${f.kind} ${functionKey(f)}`, `${f.kind.toUpperCase()} ${q(f.schema, f.name)}(${f.arguments})`, f.comment);
  for (const t of s.tables) {
    const table = `${t.schema}.${t.name}`;
    const name = q(t.schema, t.name);
    add(`table ${table}`, `TABLE ${name}`, t.comment);
    for (const c of t.columns) add(`column ${table}.${c.name}`, `COLUMN ${name}.${ident(c.name)}`, c.comment);
    for (const c of t.constraints) add(`constraint ${c.name} on ${table}`, `CONSTRAINT ${ident(c.name)} ON ${name}`, c.comment);
    for (const i of t.indexes) add(`index ${i.name} on ${table}`, `INDEX ${q(t.schema, i.name)}`, i.comment);
    for (const g of t.triggers) add(`trigger ${g.name} on ${table}`, `TRIGGER ${ident(g.name)} ON ${name}`, g.comment);
    for (const p of t.policies) add(`policy ${p.name} on ${table}`, `POLICY ${ident(p.name)} ON ${name}`, p.comment);
  }
  for (const v of s.views) {
    const view = `${v.schema}.${v.name}`;
    add(`view ${view}`, `${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${q(v.schema, v.name)}`, v.comment);
    for (const c of v.columns) add(`column ${view}.${c.name}`, `COLUMN ${q(v.schema, v.name)}.${ident(c.name)}`, c.comment);
    for (const i of v.indexes) add(`index ${i.name} on ${view}`, `INDEX ${q(v.schema, i.name)}`, i.comment);
  }
  return out;
}

/**
 * Comments. An object this plan creates (or drops and creates again) starts without one, so its
 * comment is set whatever it was before.
 */
export function planComments(ctx: PlanContext): void {
  const created = new Set<string>();
  for (const [phase, steps] of ctx.steps) if (phase.startsWith('create-') || phase === 'add-column') for (const s of steps) created.add(s.object);
  for (const key of ctx.recreated) created.add(key);
  const before = commented(ctx.from);
  for (const [key, { on, comment }] of commented(ctx.to)) {
    const view = key.startsWith('column ') ? `view ${key.slice(7).split('.').slice(0, 2).join('.')}` : key.startsWith('index ') ? `view ${key.split(' on ')[1]}` : '';
    const fresh = created.has(key) || (view !== '' && created.has(view)) || !before.has(key);
    const was = fresh ? null : before.get(key)!.comment;
    if (was !== comment) ctx.add('comment', step(key, `COMMENT ON ${on} IS ${comment === null ? 'NULL' : literal(comment)};`));
  }
}
