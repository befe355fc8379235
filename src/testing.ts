/**
 * `dbctl/testing`: an isolated database per test file (or per test, or per Vitest worker).
 *
 *   const t = await createTestDatabase({ migrate: true });   // cloned from a migrated template
 *   ... t.url ...
 *   await t.drop({ failed });                                  // kept, and its URL printed, when asked
 *
 * With `migrate` or `seed`, the project's configuration for the `test` environment decides the
 * server (DATABASE_URL, `environments.test.url`; none = embedded PGlite) and the template is built
 * once per migration set. Without them the database is empty, on `serverUrl` or embedded.
 *
 * An embedded test database has a `pglite://` URL that only dbctl opens. With `wire: true` (or
 * DBCTL_TEST_WIRE=1) it is also served over the Postgres wire protocol on 127.0.0.1 and a free port
 * until drop() or the end of the process, and `url` is the `postgres://` URL pg, postgres.js,
 * Prisma and psql open. On a server, `wire` changes nothing: its URL already is one.
 */
import os from 'node:os';
import path from 'node:path';
import { resolveConfig, type ResolvedConfig } from './config/resolve.js';
import { capabilitiesOf } from './driver/host.js';
import { ConfigError, UsageError } from './errors.js';
import { backendOf, parseTarget, redact, type Backend, type Target } from './driver/target.js';
import { serveEmbedded } from './serve/index.js';
import { cloneCopyTemplate, createTestdb, dropTestdb } from './testdb/index.js';
import { testdbHost, type TestdbHost } from './testdb/host.js';
import { withHostBeside } from './database/beside.js';
import { cloneName } from './database/names.js';

export interface TestDatabase {
  name: string;
  /** Its URL: postgres:// on a server or when served over the wire, else pglite://. */
  url: string;
  /** The backend: 'pglite' for an embedded database, served over the wire or not. */
  kind: Backend;
  /** Served over the wire: the embedded database's own pglite:// URL (what dbctl commands open). */
  embeddedUrl?: string;
  /** The template it was cloned from; null for an empty database. */
  template: string | null;
  /** Drops it, unless it is to be kept: `keep: true`, or `keep: 'on-failure'` and `failed`. */
  drop(options?: { failed?: boolean }): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** A server URL (any database on it). Without migrate/seed: none = embedded PGlite. */
  serverUrl?: string;
  /** Clone from a template migrated to the latest migration. */
  migrate?: boolean;
  /** Also seed the template with the environment's seeds (implies migrate). */
  seed?: boolean;
  /**
   * Clone the template `dbctl db copy --from <source> --testdb NAME` made: production-shaped,
   * masked data at clone speed. One line: `createTestDatabase({ copy: 'staging' })`.
   */
  copy?: string;
  /**
   * Keep the database after drop() for debugging, printing its URL: true, or 'on-failure' (kept when
   * drop({ failed: true })). Default from DBCTL_KEEP_TEST_DB: `1` = true, `on-failure`.
   */
  keep?: boolean | 'on-failure';
  /** Name prefix (default: config testdb.prefix, `dbctl`; `dbctl_tmp` for empty databases). */
  prefix?: string;
  /** Project directory for the configuration (default: process.cwd()). */
  cwd?: string;
  /** Environment whose seeds and URL are used (default `test`). */
  env?: string;
  configFile?: string;
  /** Where the kept database's URL is printed (default: stderr). */
  log?: (line: string) => void;
  /**
   * Embedded: serve it over the Postgres wire protocol and hand out a postgres:// URL (default from
   * DBCTL_TEST_WIRE: `1`/`true`). PGlite is one session: connections are served one statement at a
   * time, and one connection's open transaction makes the others wait (see docs/wire-server.md).
   */
  wire?: boolean;
}

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  if (options.serverUrl !== undefined && options.serverUrl.trim() === '') {
    throw new UsageError('serverUrl is empty: is the variable it was read from (TEST_DATABASE_URL?) unset?', { hint: 'pass a postgres:// URL, or leave serverUrl out for an embedded test database' });
  }
  // A server URL may end in a bare "/" (`postgres://h:5432/`): it names the server, where the
  // database is only the one connected to first, which parseTarget refuses in a URL that names a target.
  if (options.serverUrl !== undefined && /^postgres(ql)?:\/\/[^/?#]*\/(?=$|\?)/i.test(options.serverUrl)) {
    options = { ...options, serverUrl: options.serverUrl.replace(/^(postgres(?:ql)?:\/\/[^/?#]*)\//i, '$1') };
  }
  const keep = options.keep ?? keepFromEnv(process.env.DBCTL_KEEP_TEST_DB);
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const made = options.copy !== undefined ? await fromCopy(options, options.copy) : options.migrate || options.seed ? await fromTemplate(options) : await empty(options);
  const wire = options.wire ?? flagFromEnv(process.env.DBCTL_TEST_WIRE);
  // Only a database no other client can reach needs serving: a server's URL already is one.
  const served = wire && !capabilitiesOf(made.target).wire ? await serveEmbedded({ target: made.target, cwd: options.cwd }).catch(async (error) => {
    await made.drop().catch(() => {});
    throw error;
  }) : undefined;
  return {
    name: made.name,
    url: served?.url ?? made.url,
    kind: made.kind,
    ...(served ? { embeddedUrl: made.url } : {}),
    template: made.template,
    drop: async ({ failed = false } = {}) => {
      // The server holds the directory open: stop it first, whether the database is kept or not.
      await served?.close();
      if (keep === true || (keep === 'on-failure' && failed)) {
        log(`dbctl: kept test database ${made.name}: ${redact(made.url)}`);
        return;
      }
      await made.drop();
    },
  };
}

function flagFromEnv(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

function keepFromEnv(value: string | undefined): boolean | 'on-failure' {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === 'on-failure') return 'on-failure';
  if (value === '1' || value === 'true') return true;
  // Empty or misspelt ("yes", "onfailure") would silently drop the database the user meant to keep.
  throw new ConfigError(`DBCTL_KEEP_TEST_DB must be 1, true, on-failure, 0 or false, got ${JSON.stringify(value)}`, { hint: 'unset it to drop test databases as usual' });
}

type Made = Omit<TestDatabase, 'drop'> & { target: Target; drop(): Promise<void> };

async function fromTemplate(options: CreateTestDatabaseOptions): Promise<Made> {
  const resolved = await resolveConfig({ cwd: options.cwd, env: options.env ?? 'test', url: options.serverUrl, configFile: options.configFile });
  const config: ResolvedConfig = options.prefix ? { ...resolved, testdb: { ...resolved.testdb, prefix: options.prefix } } : resolved;
  const made = await createTestdb({ config, seed: options.seed });
  return { ...made, drop: () => dropTestdb(config, made.name, { ifExists: true }) };
}

async function fromCopy(options: CreateTestDatabaseOptions, name: string): Promise<Made> {
  const resolved = await resolveConfig({ cwd: options.cwd, env: options.env ?? 'test', url: options.serverUrl, configFile: options.configFile });
  const config: ResolvedConfig = options.prefix ? { ...resolved, testdb: { ...resolved.testdb, prefix: options.prefix } } : resolved;
  const made = await cloneCopyTemplate(config, name);
  return { ...made, drop: () => dropTestdb(config, made.name, { ifExists: true }) };
}

/**
 * An empty database: the fast path the repository's own tests use for every test. Its default
 * prefix is outside `testdb`'s namespace, so `dbctl testdb drop --all` on a shared server never
 * removes a database another test run is using.
 */
async function empty(options: CreateTestDatabaseOptions): Promise<Made> {
  const name = cloneName(options.prefix ?? 'dbctl_tmp');
  // No server: embedded, in a folder of the temp directory shared by every run.
  const target = parseTarget(options.serverUrl ?? `pglite://${path.join(os.tmpdir(), 'dbctl-test-dbs', name)}`, process.cwd(), { server: true });
  const onHost = <T>(fn: (host: TestdbHost) => Promise<T>): Promise<T> =>
    withHostBeside(target, path.join(os.tmpdir(), 'dbctl-test-dbs'), { applicationName: 'dbctl testdb' }, (host) => fn(testdbHost(host, 0)));
  const made = (await onHost((host) => host.clone(name))).target;
  return { name, url: made.url, target: made, kind: backendOf(made).id, template: null, drop: () => onHost((host) => host.drop(name)) };
}
