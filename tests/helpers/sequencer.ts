import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (seconds on this 2-core machine, both backends), started first so
 * the two workers finish together. Vitest does this itself from its cache of earlier runs, but a
 * clean clone (CI) has none and falls back to file size, which left one worker alone with a
 * 40-second file at the end. A hint only: a file not listed runs after these, in vitest's order.
 */
const SLOWEST_FIRST = [
  'e2e/backup/backup-cli', // 42
  'e2e/seed/cli', // 31
  'e2e/cli/migrate', // 30
  'migrate/migrator', // 19
  'e2e/typegen/cli', // 19
  'e2e/backup/example', // 19
  'e2e/testdb/testdb', // 18
  'e2e/cli/progress', // 16
  'citus/citus', // 15
  'docs/docs', // 15
  'seed/seeder', // 15
  'e2e/database/dblife', // 13
  'flows/library', // 13
  'e2e/guard/cli', // 13
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = SLOWEST_FIRST.findIndex((name) => spec.moduleId.endsWith(`/tests/${name}.test.ts`));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    // Array#sort is stable: unlisted files keep vitest's order among themselves.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
