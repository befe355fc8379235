import type { CopyConfig, MaskRule } from '../config/copy.js';
import { ConfigError } from '../errors.js';
import { formatField, parseField, parseLine } from './copy-text.js';
import { tableKey } from './graph.js';
// Types only: the maskers (faker's word lists) load when a copy needs them (db-copy.ts).
import type { MaskKit, Masker } from './maskers.js';

/** The rule for each column (by `schema.table` then column), as the config's keys name them. */
export function rulesByTable(mask: CopyConfig['mask'] = {}): Map<string, Map<string, MaskRule>> {
  const out = new Map<string, Map<string, MaskRule>>();
  for (const [key, rule] of Object.entries(mask)) {
    const dot = key.lastIndexOf('.');
    const table = tableKey(key.slice(0, dot));
    const columns = out.get(table) ?? out.set(table, new Map()).get(table)!;
    columns.set(key.slice(dot + 1), rule);
  }
  return out;
}

/** Whether `table.column` is declared safe (`table.column`, `table.*`, with or without a schema). */
export function isSafe(safe: string[], table: string, column: string): boolean {
  return safe.some((entry) => {
    const dot = entry.lastIndexOf('.');
    return tableKey(entry.slice(0, dot)) === table && (entry.slice(dot + 1) === '*' || entry.slice(dot + 1) === column);
  });
}

/**
 * The transform of one table's COPY lines: null when nothing in it is masked (the bytes pass
 * through untouched); else each line parsed, its masked fields replaced, written again. A rule
 * that is `keep` masks nothing.
 */
export function lineTransform(table: string, columns: string[], rules: Map<string, MaskRule> | undefined, kit: MaskKit | null): ((line: string) => string) | null {
  const masked = columns.map((c, i) => [i, rules?.get(c)] as const).filter(([, rule]) => rule !== undefined && rule !== 'keep');
  if (!masked.length) return null;
  if (!kit) throw new ConfigError('masking needs a secret: set DBCTL_COPY_SECRET (or pass secret to copyDatabase)', { hint: 'any long random string, the same every run, kept out of the repository: the same secret gives the same fakes' });
  const maskers: Array<[number, Masker]> = masked.map(([i, rule]) => [i, kit.masker(rule!, table, columns[i])]);
  // Only the masked fields are unescaped and escaped again: the others are already COPY text.
  return (line) => {
    const raw = line.split('\t');
    let original: Array<string | null> | undefined;
    const row = () => {
      original ??= parseLine(line);
      return Object.fromEntries(columns.map((c, i) => [c, original![i]]));
    };
    for (const [i, mask] of maskers) raw[i] = formatField(mask(parseField(raw[i]), row));
    return raw.join('\t') + '\n';
  };
}
