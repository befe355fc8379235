import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Large public schemas for the migrate diff tests (tests/diff/real-schemas.test.ts).
 * - pagila (52 KB, MIT-style licence) is vendored in tests/fixtures/real-schemas/pagila/ with its
 *   licence, so its test runs in CI, which has no network.
 * - GitLab's structure.sql (2 MB, under its own licence) stays out of the repository: it is fetched
 *   once, pinned to a commit so a test never changes under us, and cached outside the tree
 *   (node_modules/.cache). Where it cannot be fetched, `loadRealSchema` says why and the test skips
 *   with that reason. The cached file is `<name>-<hash of its URL>.sql`, so a new pin fetches anew;
 *   set DBCTL_REAL_SCHEMAS_DIR to keep the cache elsewhere.
 */
export interface RealSchema {
  name: string;
  /** Where the file is fetched from (pinned), when it is not vendored. */
  url?: string;
  /** The vendored file, relative to tests/fixtures/real-schemas/. */
  file?: string;
  /** Turns the file into SQL both backends load on an empty database (see each strip's comment). */
  prepare: (sql: string) => string;
}

export const REAL_SCHEMAS: RealSchema[] = [
  {
    name: 'pagila',
    // pagila-schema.sql at tag pagila-v3.1.0 (2022-12) of github.com/devrimgunduz/pagila: later
    // commits need Postgres 18 (virtual generated columns, uuidv7()) and pgvector, and the server here is 15.
    file: 'pagila/pagila-schema.sql',
    prepare: stripDump,
  },
  {
    name: 'gitlab',
    // GitLab's db/structure.sql (about 1,400 tables) at one commit of the GitHub mirror.
    url: 'https://raw.githubusercontent.com/gitlabhq/gitlabhq/0016ea0586afbe89b5823f3fc254045ce7115af2/db/structure.sql',
    prepare: stripDump,
  },
];

/**
 * What a pg_dump file holds that is not schema, or that a test database cannot take:
 * - `SET …` and `SELECT pg_catalog.set_config(…)`: session settings; the search_path one would
 *   stay on the test's session and change what later statements resolve to. check_function_bodies
 *   is set off again by the loader instead (pg_dump orders functions before the tables they read).
 * - `ALTER … OWNER TO role`: the roles (postgres, gitlab) need not exist, and owners are not diffed.
 * - `REVOKE/GRANT … ON SCHEMA public`: the public schema belongs to the test database, not to
 *   the schema under test.
 * - `COMMENT ON EXTENSION`: an extension's comment is the extension's, and needs its ownership.
 */
function stripDump(sql: string): string {
  return dropStatements(sql, /^(SET |SELECT pg_catalog\.set_config\(|ALTER [^\n]* OWNER TO |REVOKE .* ON SCHEMA public |GRANT .* ON SCHEMA public |COMMENT ON EXTENSION )/);
}

/** The dump without the statements `pattern` matches; a statement runs to the next unindented line (pg_dump's layout). */
function dropStatements(sql: string, pattern: RegExp): string {
  return sql.split(/\n(?=\S)/).filter((statement) => !pattern.test(statement)).join('\n');
}

// Not os.tmpdir(): vitest.config.ts gives each run a TMPDIR of its own, removed after it.
export const CACHE_DIR = process.env.DBCTL_REAL_SCHEMAS_DIR ?? path.join(import.meta.dirname, '../../node_modules/.cache/dbctl-real-schemas');

const FIXTURES_DIR = path.join(import.meta.dirname, '../fixtures/real-schemas');

export type Loaded = { sql: string } | { skip: string };

/** The schema's SQL, ready to load: vendored, or from the cache or fetched into it; or why it cannot be had. */
export async function loadRealSchema(schema: RealSchema): Promise<Loaded> {
  const wrap = (file: string) => ({ sql: `SET check_function_bodies = false;\n${schema.prepare(fs.readFileSync(file, 'utf8'))}\nRESET check_function_bodies;\n` });
  if (schema.file) return wrap(path.join(FIXTURES_DIR, schema.file));
  if (!schema.url) throw new Error(`${schema.name}: neither a vendored file nor a URL`);
  const file = path.join(CACHE_DIR, `${schema.name}-${createHash('sha1').update(schema.url).digest('hex').slice(0, 8)}.sql`);
  if (!fs.existsSync(file)) {
    try {
      const response = await fetch(schema.url, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) return { skip: `${schema.name}: ${schema.url} answered ${response.status}` };
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      fs.writeFileSync(`${file}.part`, await response.text());
      fs.renameSync(`${file}.part`, file);
    } catch (error) {
      return { skip: `${schema.name}: cannot fetch ${schema.url} (${(error as Error).message}); place it at ${file} to run this test` };
    }
  }
  return wrap(file);
}
