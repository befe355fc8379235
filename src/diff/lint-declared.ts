import type { Step } from './step.js';

/**
 * The `migrate lint` rules (squawk's and dbctl's) whose finding a step's hazards already declare:
 * the generated file disables them on that statement, naming the hazards, so lint reports only
 * what the plan did not say itself.
 */
const DECLARED: [RegExp, string[]][] = [
  [/ ALTER COLUMN \S+ TYPE /, ['changing-column-type']],
  [/ DROP COLUMN /, ['ban-drop-column']],
  [/^DROP TABLE /, ['ban-drop-table']],
  [/ RENAME COLUMN /, ['renaming-column']],
  [/^ALTER TABLE \S+ RENAME TO /, ['renaming-table']],
  [/ SET NOT NULL;$/, ['adding-not-nullable-field']],
  [/ DROP NOT NULL;$/, ['ban-drop-not-null']],
  [/ ADD COLUMN .* NOT NULL/, ['adding-required-field']],
  [/ ADD COLUMN .* DEFAULT /, ['adding-field-with-default']],
  [/^CREATE (UNIQUE )?INDEX (?!CONCURRENTLY)/, ['require-concurrent-index-creation']],
  [/^DROP INDEX (?!CONCURRENTLY)/, ['require-concurrent-index-deletion']],
  [/ ADD CONSTRAINT .* FOREIGN KEY /, ['adding-foreign-key-constraint', 'constraint-missing-not-valid']],
  [/ ADD CONSTRAINT .* (UNIQUE|PRIMARY KEY|EXCLUDE)/, ['disallowed-unique-constraint']],
  [/ ADD CONSTRAINT .* CHECK /, ['constraint-missing-not-valid']],
  [/^ALTER DOMAIN .* ADD CONSTRAINT /, ['ban-alter-domain-with-add-constraint']],
  [/^CREATE DOMAIN [^;]* CHECK /s, ['ban-create-domain-with-constraint']],
  [/ DETACH PARTITION /, ['require-concurrent-partition-detach']],
];

export function declaredRules(step: Step): string[] {
  const rules = new Set<string>();
  for (const [pattern, names] of DECLARED) if (pattern.test(step.sql)) names.forEach((n) => rules.add(n));
  if (step.hazards.includes('ACQUIRES_ACCESS_EXCLUSIVE_LOCK')) rules.add('large-table-lock');
  if (step.hazards.includes('TABLE_REWRITE')) rules.add('large-table-rewrite');
  return [...rules];
}
