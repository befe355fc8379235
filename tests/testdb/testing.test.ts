import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/testing.js';
import { cloneStrategy } from '../../src/driver/pg/host.js';
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

describe('createTestDatabase refuses blank and misspelt settings before making anything', () => {
  it.each([
    [{ DBCTL_KEEP_TEST_DB: '' }, {}, /DBCTL_KEEP_TEST_DB must be 1, true, on-failure, 0 or false, got ""/],
    [{ DBCTL_KEEP_TEST_DB: 'yes' }, {}, /DBCTL_KEEP_TEST_DB .* got "yes"/],
    [{}, { serverUrl: '' }, /serverUrl is empty/],
  ])('%j %j', async (env, options, message) => {
    const saved = process.env.DBCTL_KEEP_TEST_DB;
    Object.assign(process.env, env);
    try {
      await expect(createTestDatabase(options)).rejects.toThrow(message);
    } finally {
      if (saved === undefined) delete process.env.DBCTL_KEEP_TEST_DB;
      else process.env.DBCTL_KEEP_TEST_DB = saved;
    }
  });

  it('DBCTL_TESTDB_STRATEGY: empty or misspelt is refused, not read as WAL_LOG', () => {
    expect(cloneStrategy(150000, {})).toBe('WAL_LOG');
    expect(cloneStrategy(150000, { DBCTL_TESTDB_STRATEGY: 'file_copy' })).toBe('FILE_COPY');
    expect(() => cloneStrategy(150000, { DBCTL_TESTDB_STRATEGY: '' })).toThrow('DBCTL_TESTDB_STRATEGY must be WAL_LOG or FILE_COPY, got ""');
    expect(() => cloneStrategy(150000, { DBCTL_TESTDB_STRATEGY: 'FILECOPY' })).toThrow(/got "FILECOPY"/);
  });
});
