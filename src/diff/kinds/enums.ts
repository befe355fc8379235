import type { EnumInfo } from '../../schema/model.js';
import { types } from '../../schema/dump.js';
import { ident, literal, qualifiedIdent } from '../../schema/sql-names.js';
import { byName, keyOf, nameOf, type PlanContext } from '../context.js';
import { step } from '../step.js';

/**
 * Enums. New labels are added in place (ADD VALUE … BEFORE/AFTER keeps the declared order). A
 * label removed or reordered recreates the type: the old one is renamed aside, the new one
 * created, every column of the type cast through text, and the old one dropped. Rows holding a
 * removed label make the cast fail, so the step deletes data in intent: DELETES_DATA.
 */
export function planEnums(ctx: PlanContext): void {
  const before = byName(ctx.from.enums);
  const after = byName(ctx.to.enums);
  for (const e of ctx.to.enums) {
    const old = before.get(keyOf(e));
    const object = `enum ${keyOf(e)}`;
    if (!old) ctx.add('create-type', step(object, types({ enums: [e], domains: [], compositeTypes: [] })[0]));
    else if (old.labels.join('\0') !== e.labels.join('\0')) {
      const added = addedInPlace(old.labels, e.labels);
      if (added) ctx.add('create-type', ...added.map((sql) => step(object, `ALTER TYPE ${nameOf(e)} ${sql};`)));
      else recreate(ctx, e);
    }
  }
  for (const e of ctx.from.enums) {
    if (!after.has(keyOf(e))) ctx.add('drop-type', step(`enum ${keyOf(e)}`, `DROP TYPE ${nameOf(e)};`));
  }
}

/** ADD VALUE clauses when `next` keeps every old label in its order, else null. */
function addedInPlace(old: string[], next: string[]): string[] | null {
  const kept = next.filter((l) => old.includes(l));
  if (kept.length !== old.length || kept.some((l, i) => l !== old[i])) return null;
  const clauses: string[] = [];
  next.forEach((label, i) => {
    if (old.includes(label)) return;
    const anchor = next.slice(i + 1).find((l) => old.includes(l));
    const where = anchor !== undefined ? ` BEFORE ${literal(anchor)}` : i > 0 ? ` AFTER ${literal(next[i - 1])}` : '';
    clauses.push(`ADD VALUE ${literal(label)}${where}`);
  });
  return clauses;
}

function recreate(ctx: PlanContext, e: EnumInfo): void {
  const object = `enum ${keyOf(e)}`;
  const aside = `${e.name}__dbctl_old`;
  ctx.add('create-type', step(object, `ALTER TYPE ${nameOf(e)} RENAME TO ${ident(aside)};`, ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK']));
  ctx.add('create-type', step(object, types({ enums: [e], domains: [], compositeTypes: [] })[0]));
  const type = nameOf(e);
  for (const t of ctx.to.tables) {
    if (ctx.newTables.has(keyOf(t))) continue;
    for (const c of t.columns) {
      if (c.type !== type && c.type !== `${type}[]`) continue;
      const column = `${nameOf(t)} ALTER COLUMN ${ident(c.name)}`;
      if (c.default !== null) ctx.add('create-type', step(object, `ALTER TABLE ${column} DROP DEFAULT;`));
      ctx.add('create-type', step(object, `ALTER TABLE ${column} TYPE ${c.type} USING ${ident(c.name)}::text${c.type.endsWith('[]') ? '[]' : ''}::${c.type};`,
        ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK', 'TABLE_REWRITE', 'DELETES_DATA']));
      if (c.default !== null) ctx.add('create-type', step(object, `ALTER TABLE ${column} SET DEFAULT ${c.default};`));
      ctx.touchedRelations.add(keyOf(t));
    }
  }
  ctx.add('drop-type', step(object, `DROP TYPE ${qualifiedIdent(e.schema, aside)};`));
}
