import type { MigrationResult } from './migrator.js';
import type { Prepared } from './runner.js';

/** What a dry run's result says beyond its statements, so review artifacts can be written from it (artifacts.ts). */
export function dryRunFacts(p: Prepared, parameters: Array<readonly unknown[]>): Pick<MigrationResult, 'transaction' | 'parameters' | 'psql'> {
  return {
    transaction: p.transaction,
    ...(parameters.some((list) => list.length) ? { parameters } : {}),
    ...(p.psqlText !== undefined ? { psql: { sql: p.psqlText, variables: p.psqlVariables ?? [] } } : {}),
  };
}
