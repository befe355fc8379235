import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { ROOT, tempProject } from '../helpers/cli.js';

/**
 * The example database (migrations/ → schema.sql) through the whole flow on scratch embedded
 * databases: from no migrations the plan creates it all and verifies (up to the schema, down to
 * empty); from its own migrations the plan is empty.
 */
describe('migrate diff on the example database', () => {
  const schema = path.join(ROOT, 'schema.sql');

  it('plans the whole schema from empty, verified up and down', async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), 'migrations/.keep': '' });
    const config = await resolveConfig({ cwd, database: false });
    const result = await migrateDiff(config, { name: 'everything', schemaPath: schema, now: new Date('2026-01-01T00:00:00Z') });
    expect(result.file).toBe(path.join('migrations', '20260101000000_everything.sql'));
    const text = fs.readFileSync(path.join(cwd, result.file!), 'utf8');
    expect(text).toMatch(/^-- migrate:up$/m);
    expect(text).toContain('CREATE TABLE public.courses');
    expect(text).toMatch(/^-- migrate:down$/m);
  }, 300_000);

  it('plans nothing from its own migrations', async () => {
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: path.join(ROOT, 'migrations') } }) });
    const config = await resolveConfig({ cwd, database: false });
    const dry = await migrateDiff(config, { mode: 'dry-run', schemaPath: schema });
    expect(dry.up).toEqual([]);
  }, 300_000);
});
