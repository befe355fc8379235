import type { Ambiguity } from './hazards.js';
import type { Hints } from './renames.js';

/** An answer about one ambiguous pair: a rename, a drop that is meant, or none (the pair stays ambiguous). */
export type SettleAnswer = 'rename' | 'drop' | undefined;

/**
 * Asks about each ambiguous drop + add pair in turn (the CLI asks on a terminal; in CI nothing is
 * asked and the pairs are an error), and returns the renames and drops the answers declare. A pair
 * whose dropped or added side an earlier answer already settled is not asked.
 */
export async function settleAmbiguities(list: Ambiguity[], ask: (pair: Ambiguity) => Promise<SettleAnswer>): Promise<Hints> {
  const settled: Hints = { renames: [], drops: [] };
  const done = new Set<string>();
  for (const pair of list) {
    if (done.has(`- ${pair.dropped}`) || done.has(`+ ${pair.added}`)) continue;
    const answer = await ask(pair);
    if (answer === 'rename') {
      settled.renames.push(pair.rename);
      done.add(`+ ${pair.added}`);
    } else if (answer === 'drop') settled.drops.push({ kind: pair.kind, name: pair.dropped });
    else continue;
    done.add(`- ${pair.dropped}`);
  }
  return settled;
}
