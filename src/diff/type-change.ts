import type { Hazard } from './step.js';

const INTEGERS = ['smallint', 'integer', 'bigint'];
const FLOATS = ['real', 'double precision'];

const varcharLength = (t: string) => /^character varying(?:\((\d+)\))?$/.exec(t);
const numericOf = (t: string) => /^numeric(?:\((\d+),(\d+)\))?$/.exec(t);

/**
 * The hazards of changing a column's type. Widening a varchar or a numeric's precision rewrites
 * nothing; widening an integer or float rewrites the table but keeps every value; anything else
 * may lose or reject values: DELETES_DATA (narrowing), so it needs --allow-data-loss.
 */
export function typeChange(from: string, to: string): Hazard[] {
  const lock: Hazard[] = ['ACQUIRES_ACCESS_EXCLUSIVE_LOCK'];
  const vf = varcharLength(from);
  const vt = varcharLength(to);
  if (vf && (to === 'text' || (vt && (!vt[1] || (vf[1] && Number(vt[1]) >= Number(vf[1])))))) return lock;
  const nf = numericOf(from);
  const nt = numericOf(to);
  if (nf && nt && (!nt[1] || (nf[1] && nf[2] === nt[2] && Number(nt[1]) >= Number(nf[1])))) return lock;
  const widening =
    (INTEGERS.includes(from) && INTEGERS.indexOf(to) > INTEGERS.indexOf(from)) ||
    (FLOATS.includes(from) && FLOATS.indexOf(to) > FLOATS.indexOf(from)) ||
    (INTEGERS.includes(from) && (to === 'numeric' || to === 'double precision')) ||
    to === 'text' ||
    (from === 'timestamp without time zone' && to === 'timestamp with time zone');
  return widening ? [...lock, 'TABLE_REWRITE'] : [...lock, 'TABLE_REWRITE', 'DELETES_DATA'];
}
