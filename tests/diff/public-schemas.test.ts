import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { ROOT, tempProject } from '../helpers/cli.js';

/**
 * Large public schemas, kept out of the repository (their size and licences): each is read from
 * tests/diff/.cache/ or the environment variable named, and the test says it skipped when absent.
 *
 *   curl -o tests/diff/.cache/pagila-schema.sql https://raw.githubusercontent.com/devrimgunduz/pagila/master/pagila-schema.sql
 *
 * For each: from no migrations the plan creates it all and verifies (up, then down to empty), and
 * with that migration applied the plan is empty.
 */
const SCHEMAS = [{ name: 'pagila', env: 'DBCTL_PAGILA_SQL', file: 'pagila-schema.sql' }];

function locate(s: (typeof SCHEMAS)[number]): string | undefined {
  const candidates = [process.env[s.env], path.join(ROOT, 'tests/diff/.cache', s.file)].filter(Boolean) as string[];
  return candidates.find((f) => fs.existsSync(f));
}

describe.each(SCHEMAS)('migrate diff on $name', (s) => {
  const file = locate(s);
  it.skipIf(!file)(`plans it from empty, verified, and nothing from itself${file ? '' : ` (skipped: set ${s.env} or put ${s.file} in tests/diff/.cache/)`}`, async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), 'migrations/.keep': '' });
    const config = await resolveConfig({ cwd, database: false });
    const created = await migrateDiff(config, { name: s.name, schemaPath: file! });
    expect(created.up.length).toBeGreaterThan(50);
    const again = await migrateDiff(config, { mode: 'dry-run', schemaPath: file! });
    expect(again.up).toEqual([]);
  }, 300_000);
});
