/**
 * dbctl's inline disables, for any rule (dbctl's or squawk's), with an optional reason after `--`:
 *
 *   -- dbctl-lint-ignore large-table-lock -- the table is locked for a few ms; traffic is low at 3 am
 *   alter table users rename column name to full_name;
 *
 *   -- dbctl-lint-ignore-file prefer-bigint-over-int -- counts here stay far below 2^31
 *
 * A line disable applies to the statement that starts on the next line holding SQL; no rule names
 * means every rule. squawk's own `-- squawk-ignore` comments reach squawk unchanged. A TS/JS
 * migration's SQL is captured at run time, where comments do not survive, so there any
 * `// dbctl-lint-ignore` or `// squawk-ignore` comment in the file applies to the whole migration.
 */
const SQL_COMMENT = /^\s*--\s*dbctl-lint-ignore(-file)?(?=\s|$)(.*)$/;
const MODULE_COMMENT = /(?:\/\/|\/\*|--)\s*(?:dbctl-lint-ignore|squawk-ignore)(?:-file)?(?=\s|$)([^\n]*)/g;

export interface Ignores {
  /** Rules disabled for the whole unit ('*' = all). */
  file: Set<string>;
  /** Line (1-based) of a statement's first line → rules disabled for that statement. */
  lines: Map<number, Set<string>>;
}

export function ignoresInSql(text: string): Ignores {
  const ignores: Ignores = { file: new Set(), lines: new Map() };
  const lines = text.split('\n');
  lines.forEach((line, k) => {
    const m = SQL_COMMENT.exec(line);
    if (!m) return;
    const rules = ruleList(m[2]);
    if (m[1]) return rules.forEach((r) => ignores.file.add(r));
    let target = k + 1;
    while (target < lines.length && /^\s*(--.*)?$/.test(lines[target])) target++;
    const set = ignores.lines.get(target + 1) ?? new Set<string>();
    rules.forEach((r) => set.add(r));
    ignores.lines.set(target + 1, set);
  });
  return ignores;
}

export function ignoresInModule(source: string): Ignores {
  const file = new Set<string>();
  for (const m of source.matchAll(MODULE_COMMENT)) ruleList(m[1].replace(/\*\/.*$/, '')).forEach((r) => file.add(r));
  return { file, lines: new Map() };
}

/** Whether `rule` is disabled for a finding in the statement starting on `statementLine`. */
export function isIgnored(ignores: Ignores, rule: string, statementLine?: number): boolean {
  const hit = (set?: Set<string>) => !!set && (set.has('*') || set.has(rule));
  return hit(ignores.file) || (statementLine !== undefined && hit(ignores.lines.get(statementLine)));
}

/** `a, b -- why` → ['a', 'b']; nothing → ['*']. */
function ruleList(text: string): string[] {
  const rules = text.split('--')[0].split(/[\s,]+/).filter(Boolean);
  return rules.length ? rules : ['*'];
}
