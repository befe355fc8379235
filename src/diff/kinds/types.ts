import type { CompositeTypeInfo, DomainInfo } from '../../schema/model.js';
import { types } from '../../schema/dump.js';
import { ident } from '../../schema/sql-names.js';
import { byName, keyOf, nameOf, same, type PlanContext } from '../context.js';
import { step } from '../step.js';

const create = (d: Partial<{ domains: DomainInfo[]; compositeTypes: CompositeTypeInfo[] }>) => types({ enums: [], domains: [], compositeTypes: [], ...d })[0];

/** Domains: default, NOT NULL and checks change in place; a new base type or collation cannot be planned. */
export function planDomains(ctx: PlanContext): void {
  const before = byName(ctx.from.domains);
  const after = byName(ctx.to.domains);
  for (const d of ctx.to.domains) {
    const old = before.get(keyOf(d));
    const object = `domain ${keyOf(d)}`;
    if (!old) {
      ctx.add('create-type', step(object, create({ domains: [d] })));
      continue;
    }
    if (old.type !== d.type || old.collation !== d.collation) {
      ctx.cannot(object, `its ${old.type !== d.type ? `base type changes from ${old.type} to ${d.type}` : 'collation changes'}: write this migration by hand`);
      continue;
    }
    const alter = (sql: string, hazards: Parameters<typeof step>[2] = []) => ctx.add('create-type', step(object, `ALTER DOMAIN ${nameOf(d)} ${sql};`, hazards));
    if (old.default !== d.default) alter(d.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${d.default}`);
    if (old.notNull !== d.notNull) alter(d.notNull ? 'SET NOT NULL' : 'DROP NOT NULL', d.notNull ? ['DATA_DEPENDENT'] : []);
    const oldChecks = new Map(old.checks.map((c) => [c.name, c.definition]));
    const newChecks = new Map(d.checks.map((c) => [c.name, c.definition]));
    for (const [name, definition] of oldChecks) if (newChecks.get(name) !== definition) alter(`DROP CONSTRAINT ${ident(name)}`);
    for (const [name, definition] of newChecks) if (oldChecks.get(name) !== definition) alter(`ADD CONSTRAINT ${ident(name)} ${definition}`, ['DATA_DEPENDENT']);
  }
  for (const d of ctx.from.domains) if (!after.has(keyOf(d))) ctx.add('drop-type', step(`domain ${keyOf(d)}`, `DROP DOMAIN ${nameOf(d)};`));
}

/** Composite types: attributes are added, dropped and retyped in place. */
export function planCompositeTypes(ctx: PlanContext): void {
  const before = byName(ctx.from.compositeTypes);
  const after = byName(ctx.to.compositeTypes);
  for (const c of ctx.to.compositeTypes) {
    const old = before.get(keyOf(c));
    const object = `composite type ${keyOf(c)}`;
    if (!old) {
      ctx.add('create-type', step(object, create({ compositeTypes: [c] })));
      continue;
    }
    if (same(old.attributes, c.attributes)) continue;
    const oldAttrs = new Map(old.attributes.map((a) => [a.name, a.type]));
    const newAttrs = new Map(c.attributes.map((a) => [a.name, a.type]));
    const kept = c.attributes.filter((a) => oldAttrs.has(a.name)).map((a) => a.name);
    const oldOrder = old.attributes.filter((a) => newAttrs.has(a.name)).map((a) => a.name);
    const appendedOnly = c.attributes.slice(0, kept.length).every((a, i) => a.name === kept[i]);
    if (!same(kept, oldOrder) || !appendedOnly) {
      ctx.cannot(object, 'its attributes are reordered: write this migration by hand');
      continue;
    }
    const alter = (sql: string, hazards: Parameters<typeof step>[2] = []) => ctx.add('create-type', step(object, `ALTER TYPE ${nameOf(c)} ${sql};`, hazards));
    for (const [name] of oldAttrs) if (!newAttrs.has(name)) alter(`DROP ATTRIBUTE ${ident(name)}`, ['DELETES_DATA']);
    for (const [name, type] of newAttrs) {
      if (!oldAttrs.has(name)) alter(`ADD ATTRIBUTE ${ident(name)} ${type}`);
      else if (oldAttrs.get(name) !== type) alter(`ALTER ATTRIBUTE ${ident(name)} TYPE ${type}`, ['CORRECTNESS']);
    }
  }
  for (const c of ctx.from.compositeTypes) if (!after.has(keyOf(c))) ctx.add('drop-type', step(`composite type ${keyOf(c)}`, `DROP TYPE ${nameOf(c)};`));
}
