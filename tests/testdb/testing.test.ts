import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/testing.js';
import { listTestdbs, removeTestdbs } from '../../src/testdb/index.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { backends } from '../helpers/backends.js';
import { queryAt, testdbProject } from './helpers.js';

const keepEnv = process.env.DBCTL_KEEP_TEST_DB;
afterEach(() => {
  if (keepEnv === undefined) delete process.env.DBCTL_KEEP_TEST_DB;
  else process.env.DBCTL_KEEP_TEST_DB = keepEnv;
});

describe.each(backends)('createTestDatabase (dbctl/testing) on $name', (backend) => {
  it('clones a migrated database, drops it, and keeps a failed test\'s database printing its URL', async () => {
    const p = testdbProject(backend);
    const config = await resolveConfig({ cwd: p.cwd, env: 'test', url: backend.serverUrl });
    const names = async () => (await listTestdbs(config)).map((e) => e.name);
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);

    const passed = await createTestDatabase({ migrate: true, cwd: p.cwd, serverUrl: backend.serverUrl, keep: 'on-failure', log });
    expect(passed.template).toMatch(new RegExp(`^${p.prefix}_tpl_`));
    expect(await queryAt(passed.url, p.cwd, 'select count(*)::int as n from items')).toEqual([{ n: 0 }]);
    await passed.drop({ failed: false });
    expect(await names()).not.toContain(passed.name);
    expect(lines).toEqual([]);

    const failed = await createTestDatabase({ migrate: true, cwd: p.cwd, serverUrl: backend.serverUrl, keep: 'on-failure', log });
    await failed.drop({ failed: true });
    expect(await names()).toContain(failed.name);
    expect(lines).toEqual([`dbctl: kept test database ${failed.name}: ${failed.url}`]);

    process.env.DBCTL_KEEP_TEST_DB = '1';
    const kept = await createTestDatabase({ migrate: true, cwd: p.cwd, serverUrl: backend.serverUrl, log });
    await kept.drop();
    expect(await names()).toContain(kept.name);

    await removeTestdbs(config, { all: true });
    expect(await names()).toEqual([]);
  });
});
