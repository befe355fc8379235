import { step, type Step } from './step.js';

/**
 * A read-only data check that runs right before a step that depends on the data (a unique index
 * over duplicates, NOT NULL over NULLs, a foreign key over orphans): it refuses with the offending
 * count instead of letting the step fail half-way through a non-transactional migration.
 */
export function dataCheck(object: string, countQuery: string, what: string): Step {
  const message = `dbctl data check: % ${what}`.replace(/'/g, "''");
  const sql = [
    `-- dbctl:data-check ${object}`,
    'DO $dbctl$ DECLARE dbctl_n bigint; BEGIN',
    `  dbctl_n := (${countQuery});`,
    `  IF dbctl_n > 0 THEN RAISE EXCEPTION '${message}', dbctl_n; END IF;`,
    'END $dbctl$;',
  ].join('\n');
  return step(object, sql);
}
