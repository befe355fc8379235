import type { Faker } from '@faker-js/faker';
import type { Kysely } from 'kysely';
import { bulkInsert, bulkUpsert, type BulkOptions, type BulkResult, type BulkTarget, type Rows, type UpsertOptions } from './bulk.js';
import { assertUniqueFixtureKeys, loadFixture, loadFixtureLines, type FixtureRow } from './fixtures.js';
import { tableInfo } from './table-info.js';
import { seedId } from './ids.js';

/** Options of ctx.insert / ctx.upsert: `total` (expected rows) gives the progress bar its ETA. */
export interface SeedBulkOptions extends BulkOptions {
  total?: number;
}

/** How a fixture is upserted: into `table` (default: the fixture's name) by `key` (default: primary key). */
export interface FixtureUpsert extends Omit<UpsertOptions, 'columns'> {
  table?: string;
}

/** What a seed's `seed(ctx)` receives. */
export interface SeedContext {
  /** Kysely inside this seed file's own transaction: if the seed throws, nothing it wrote stays. */
  db: Kysely<any>;
  /** Seeded from the global seed and this file's name: the same data on every run and machine. */
  faker: Faker;
  env: string;
  /** Multiplier for row counts (`--scale`); 1 by default. */
  scale: number;
  /** The global seed (`--seed`, config `seeds.seed`). */
  seed: number;
  /** This seed's name, e.g. `development/02_users`. */
  name: string;
  /** A stable UUID for row `key` of `table` (UUID v5): the same on every run, so upserts find their rows. */
  id(table: string, key: string | number | bigint): string;
  /** The rows of `fixtures/<name>.json` or `.csv`. */
  fixture<T = FixtureRow>(name: string): T[];
  /** COPY rows into a table (fails on a duplicate key). */
  insert(table: string, rows: Rows, options?: SeedBulkOptions): Promise<BulkResult>;
  /** Insert or update rows by key (default: the primary key); unchanged rows are left alone. */
  upsert(table: string, rows: Rows, options?: SeedBulkOptions & UpsertOptions): Promise<BulkResult>;
  /** Upsert a fixture's rows into a table (default: the table named like the fixture). */
  upsertFixture(name: string, options?: FixtureUpsert): Promise<BulkResult>;
}

export interface BulkProgress {
  table: string;
  rows: number;
  total?: number;
  done: boolean;
}

export interface ContextInput {
  target: BulkTarget;
  faker: Faker;
  env: string;
  scale: number;
  seed: number;
  name: string;
  fixturesDir: string;
  cwd: string;
  onProgress?: (progress: BulkProgress) => void;
}

export function createSeedContext(input: ContextInput): SeedContext {
  const { target, onProgress } = input;
  const tracked = async (table: string, total: number | undefined, run: (onRows: (rows: number) => void) => Promise<BulkResult>) => {
    // Taken before the first await, while the seed's own line is still on the stack: a COPY error
    // arrives from a stream event, with no trace of who started it.
    const callSite = new Error();
    onProgress?.({ table, rows: 0, total, done: false });
    try {
      const result = await run((rows) => onProgress?.({ table, rows, total, done: false }));
      onProgress?.({ table, rows: result.rows, total, done: true });
      return result;
    } catch (error) {
      if (error instanceof Error) error.stack = `${error.stack}\n${callSite.stack?.split('\n').slice(1).join('\n')}`;
      throw error;
    }
  };
  const fixture = <T = FixtureRow>(name: string) => loadFixture(input.fixturesDir, name, input.cwd) as T[];
  const upsert: SeedContext['upsert'] = (table, rows, options = {}) =>
    tracked(table, options.total, (onRows) => bulkUpsert(target, table, rows, { ...options, onProgress: onRows }));
  return {
    db: target.db,
    faker: input.faker,
    env: input.env,
    scale: input.scale,
    seed: input.seed,
    name: input.name,
    id: seedId,
    fixture,
    insert: (table, rows, options = {}) => tracked(table, options.total, (onRows) => bulkInsert(target, table, rows, { ...options, onProgress: onRows })),
    upsert,
    upsertFixture: async (name, options = {}) => {
      const loaded = loadFixtureLines(input.fixturesDir, name, input.cwd);
      const table = options.table ?? name.replace(/\.(json|csv)$/, '').split('/').pop()!;
      const key = options.key === undefined ? (await tableInfo(target.db, table)).primaryKey : [options.key].flat();
      assertUniqueFixtureKeys(loaded, key);
      return upsert(table, loaded.rows, { ...options, total: loaded.rows.length });
    },
  };
}
