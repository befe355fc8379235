import { afterEach } from 'vitest';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';
import { openDatabase, type Database } from '../../src/driver/database.js';
import { isDbctlError } from '../../src/errors.js';
import { resetConfig, resetDatabase, type ResetOptions, type ResetReport } from '../../src/reset/index.js';
import { freshDatabase, type Backend } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';

export interface ResetFixture {
  database: Database;
  config: ResolvedConfig;
  reset(options?: Omit<ResetOptions, 'database' | 'config'>): Promise<ResetReport>;
  /** The refusal `reset` throws (failing the test if it does not), with the rows left as they were. */
  refused(options?: Omit<ResetOptions, 'database' | 'config'>): Promise<{ code: string; exitCode: number; message: string; hint?: string }>;
  /** Row counts of `tables` (SQL names: `payment`, `audit.log`). */
  counts(...tables: string[]): Promise<Record<string, number>>;
  /** The value the next `insert … default values returning id` gets in each of `tables` (inserted, so call once). */
  nextIds(...tables: string[]): Promise<Record<string, number>>;
}

const opened: Database[] = [];
// Registered after backends.ts's drop hook, so it runs first: close before the database is dropped.
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

/** A fresh database built by `schema` (SQL), with reset.* from `resetConfig`. */
export async function resetFixture(backend: Backend, schema: string, resetSection: object = {}): Promise<ResetFixture> {
  const t = await freshDatabase(backend);
  const database = await openDatabase({ url: t.url });
  opened.push(database);
  await database.query(schema);
  const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ reset: resetSection }) });
  const config = await resolveConfig({ cwd, url: t.url, environ: {} });
  const reset: ResetFixture['reset'] = (options = {}) => resetDatabase({ database, ...resetConfig(config), ...options });
  const counts: ResetFixture['counts'] = async (...tables) => {
    const out: Record<string, number> = {};
    for (const table of tables) out[table] = (await database.query(`select count(*)::int as n from ${table}`)).rows[0].n;
    return out;
  };
  return {
    database,
    config,
    reset,
    counts,
    async refused(options) {
      const names = schema.match(/create table (\S+)/g)!.map((m) => m.slice('create table '.length));
      const before = await counts(...names);
      const error = await reset(options).then(
        () => new Error('reset did not refuse'),
        (e) => e,
      );
      if (!isDbctlError(error)) throw error;
      if (JSON.stringify(await counts(...names)) !== JSON.stringify(before)) throw new Error('reset refused but emptied tables first');
      return { code: error.code, exitCode: error.exitCode, message: error.message, hint: error.hint };
    },
    async nextIds(...tables) {
      const out: Record<string, number> = {};
      for (const table of tables) out[table] = (await database.query(`insert into ${table} default values returning id`)).rows[0].id;
      return out;
    },
  };
}
