import type { FieldChange, SchemaDiff, SchemaObject } from './diff.js';
import type { Grant } from './model.js';

/**
 * A diff as lines for people, grouped as missing / extra / changed; a changed multi-line definition
 * (view, function) shows only the lines that differ.
 */
export function describeSchemaDiff(diff: SchemaDiff, labels = { missing: 'missing (in the migrations, not in the database)', extra: 'extra (in the database, not in the migrations)' }): string[] {
  const lines: string[] = [];
  if (diff.missing.length) lines.push(`${labels.missing}:`, ...diff.missing.map((o) => `  - ${o.kind} ${o.name}${summary(o)}`));
  if (diff.extra.length) lines.push(`${labels.extra}:`, ...diff.extra.map((o) => `  + ${o.kind} ${o.name}${summary(o)}`));
  if (diff.changed.length) {
    lines.push('changed:');
    for (const c of diff.changed) {
      lines.push(`  ~ ${c.kind} ${c.name}`);
      for (const change of c.changes) lines.push(...describeChange(change).map((l) => `      ${l}`));
    }
  }
  return lines;
}

/** The one property that says most about an object, shown after its name. */
function summary(o: SchemaObject): string {
  const p = o.properties;
  if (o.kind === 'column') return `: ${p.type}${p.notNull ? ' not null' : ''}${p.default ? ` default ${p.default}` : ''}`;
  if (o.kind === 'constraint' || o.kind === 'index' || o.kind === 'trigger') return `: ${p.definition}`;
  if (o.kind === 'policy') return `: ${p.command} to ${(p.roles as string[]).join(', ')}`;
  return '';
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describeChange({ field, expected, actual }: FieldChange): string[] {
  if (field === 'grants') return describeGrants(expected as Grant[], actual as Grant[]);
  const [a, b] = [show(expected), show(actual)];
  if (!a.includes('\n') && !b.includes('\n') && a.length + b.length < 120) return [`${field}: ${a} → ${b}`];
  return [`${field}:`, ...lineDiff(a.split('\n'), b.split('\n')).map((l) => `  ${l}`)];
}

/**
 * Lines only in `a` (`- `) and only in `b` (`+ `), in order, by longest common subsequence of what
 * lies between the common head and tail; a middle too large for that (quadratic) is shown whole.
 */
export function lineDiff(left: string[], right: string[]): string[] {
  let head = 0;
  while (head < left.length && head < right.length && left[head] === right[head]) head++;
  let tail = 0;
  while (tail < left.length - head && tail < right.length - head && left[left.length - 1 - tail] === right[right.length - 1 - tail]) tail++;
  const a = left.slice(head, left.length - tail);
  const b = right.slice(head, right.length - tail);
  if (a.length * b.length > 4_000_000) return [...a.map((l) => `- ${l}`), ...b.map((l) => `+ ${l}`)];
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}

/** One line per role whose privileges differ: `grants to student_role: INSERT, SELECT → SELECT`. */
function describeGrants(expected: Grant[], actual: Grant[]): string[] {
  const of = (grants: Grant[], role: string) => grants.find((g) => g.role === role)?.privileges.join(', ') || '(none)';
  const roles = [...new Set([...expected, ...actual].map((g) => g.role))].sort();
  return roles.filter((r) => of(expected, r) !== of(actual, r)).map((r) => `grants to ${r}: ${of(expected, r)} → ${of(actual, r)}`);
}
