import type { SequenceInfo } from '../../schema/model.js';
import { dotted, sequence as createSequence } from '../../schema/dump.js';
import { byName, keyOf, nameOf, type PlanContext } from '../context.js';
import { step } from '../step.js';

/**
 * Free-standing and serial sequences. A sequence owned by a column that goes away goes with it
 * (Postgres drops it), so it is not dropped again; ownership is set once the column exists.
 */
export function planSequences(ctx: PlanContext): void {
  const before = byName(ctx.from.sequences);
  const after = byName(ctx.to.sequences);
  for (const s of ctx.to.sequences) {
    const old = before.get(keyOf(s));
    const object = `sequence ${keyOf(s)}`;
    if (!old) {
      ctx.add('create-sequence', step(object, createSequence(s)));
      if (s.ownedBy) ctx.add('sequence-owned', step(object, `ALTER SEQUENCE ${nameOf(s)} OWNED BY ${dotted(s.ownedBy)};`));
      continue;
    }
    const changes = alterations(old, s);
    if (changes) ctx.add('create-sequence', step(object, `ALTER SEQUENCE ${nameOf(s)}${changes};`));
    if (old.ownedBy !== s.ownedBy) {
      ctx.add('sequence-owned', step(object, `ALTER SEQUENCE ${nameOf(s)} OWNED BY ${s.ownedBy ? dotted(s.ownedBy) : 'NONE'};`));
    }
  }
  for (const s of ctx.from.sequences) {
    if (after.has(keyOf(s)) || goesWithOwner(ctx, s)) continue;
    ctx.add('drop-sequence', step(`sequence ${keyOf(s)}`, `DROP SEQUENCE ${nameOf(s)};`, ['CORRECTNESS']));
  }
}

function goesWithOwner(ctx: PlanContext, s: SequenceInfo): boolean {
  if (!s.ownedBy) return false;
  const table = s.ownedBy.split('.').slice(0, 2).join('.');
  return ctx.droppedTables.has(table) || ctx.droppedColumns.has(s.ownedBy);
}

function alterations(a: SequenceInfo, b: SequenceInfo): string {
  return [
    a.type !== b.type && ` AS ${b.type}`,
    a.increment !== b.increment && ` INCREMENT BY ${b.increment}`,
    a.min !== b.min && ` MINVALUE ${b.min}`,
    a.max !== b.max && ` MAXVALUE ${b.max}`,
    a.start !== b.start && ` START WITH ${b.start}`,
    a.cache !== b.cache && ` CACHE ${b.cache}`,
    a.cycle !== b.cycle && (b.cycle ? ' CYCLE' : ' NO CYCLE'),
  ].filter(Boolean).join('');
}
