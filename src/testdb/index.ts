import path from 'node:path';
import { withParsedTarget, type ResolvedConfig } from '../config/resolve.js';
import { hostKeyBeside, openHostBeside } from '../driver/host.js';
import { backendOf, testTargetBeside, type Backend, type Target } from '../driver/target.js';
import { RefusedError, UsageError } from '../errors.js';
import { templateSources } from '../config/props.js';
import { templateHash } from './hash.js';
import { testdbHost, type TestdbHost } from './host.js';
import { cloneName, COPY_TEMPLATE_NAME, copyTemplateName, parseTestdbName, templateName, type TestdbKind } from '../database/names.js';
import { withOpen } from '../with-open.js';

/** Where embedded test databases live, beside the default embedded database. */
export const EMBEDDED_TESTDB_DIR = '.dbctl/testdb';

export type TestdbEvent = { type: 'building'; template: string } | { type: 'built'; template: string; milliseconds: number };

export interface CreateTestdbOptions {
  config: ResolvedConfig;
  /** Seed the template with the environment's seeds (a separate template from the unseeded one). */
  seed?: boolean;
  /** Clone an empty database instead of a migrated template (no template involved). */
  empty?: boolean;
  onEvent?: (event: TestdbEvent) => void;
}

export interface CreatedTestdb {
  name: string;
  url: string;
  /** `url` parsed: what opening it takes. */
  target: Target;
  /** Which backend it is on (for reports; code asks the host's capabilities). */
  kind: Backend;
  template: string | null;
  /** Whether this call built the template (false: it existed, or another process built it). */
  built: boolean;
  /** How the clone was made: WAL_LOG / FILE_COPY (server), directory copy (embedded), empty. */
  strategy: string;
  /** Time to clone, excluding any template build. */
  milliseconds: number;
  /** Embedded only: the clones there now, this one included (see pile-up.ts); undefined on a server. */
  clones?: number;
}

export interface TestdbEntry {
  name: string;
  kind: TestdbKind;
  createdAt: Date | null;
  /** A template whose hash matches the project as it is now. */
  current: boolean;
}

/** Where the configured database's test databases live, as a key: its server (`host:port`), or the embedded test folder. */
export function testdbHostKey(config: ResolvedConfig): string {
  return hostKeyBeside(config.target, path.resolve(config.cwd, EMBEDDED_TESTDB_DIR));
}

/** Opens the host of the configured database: its server, or the embedded test directory. */
export async function openHost(config: ResolvedConfig): Promise<TestdbHost> {
  // On a Citus cluster, test databases and templates are made on every node (driver/pg/citus.ts).
  const host = await openHostBeside(config.target, path.resolve(config.cwd, EMBEDDED_TESTDB_DIR), {
    cwd: config.cwd,
    connectTimeoutMs: config.connectTimeoutMs,
    applicationName: 'dbctl testdb',
    distributed: true,
  });
  return testdbHost(host, config.lockTimeoutMs);
}

async function withHost<T>(config: ResolvedConfig, fn: (host: TestdbHost) => Promise<T>): Promise<T> {
  return withOpen(openHost(config), fn);
}

/**
 * Ensures the template for the project as it is now (built once, whoever asks first, while the
 * others wait on the build lock), then clones a new database from it.
 */
export async function createTestdb(options: CreateTestdbOptions): Promise<CreatedTestdb> {
  const { config } = options;
  const prefix = config.testdb.prefix;
  return withHost(config, async (host) => {
    let template: string | null = null;
    let built = false;
    if (!options.empty) {
      template = templateName(prefix, templateHash(templateSources(config), !!options.seed));
      built = await ensureTemplate(host, template, options);
    }
    const name = cloneName(prefix);
    const started = performance.now();
    const { target, strategy } = await host.clone(name, template ?? undefined);
    const milliseconds = Math.round(performance.now() - started);
    // Directory copies pile up on disk (pile-up.ts); a server's clones are the server's business.
    const piles = host.host.capabilities.templates === 'directory-copy';
    const clones = piles ? (await host.list()).filter((n) => parseTestdbName(prefix, n)?.kind === 'clone').length : undefined;
    return { name, url: target.url, target, kind: backendOf(config.target).id, template, built, strategy, milliseconds, clones };
  });
}

async function ensureTemplate(host: TestdbHost, template: string, options: CreateTestdbOptions, beforeBuild?: () => Promise<unknown>): Promise<boolean> {
  if (await host.hasTemplate(template)) return false;
  // Whatever the caller must know before anything is made (db copy: that its source opens).
  await beforeBuild?.();
  return host.withBuildLock(template, async () => {
    if (await host.hasTemplate(template)) return false;
    options.onEvent?.({ type: 'building', template });
    const started = performance.now();
    await host.buildTemplate(template, (target) => fillTemplate(target, options));
    options.onEvent?.({ type: 'built', template, milliseconds: Math.round(performance.now() - started) });
    return true;
  });
}

/** Migrates (and optionally seeds) a template being built. */
async function fillTemplate(target: Target, options: CreateTestdbOptions): Promise<void> {
  const config = withParsedTarget(options.config, target);
  // Loaded only when a template is built: a clone from a warm template needs pg alone, not Kysely.
  const { withDatabaseFor } = await import('../driver/open-for.js');
  await withDatabaseFor(config, 'testdb', async (database) => {
    const { Migrator, migratorConfig } = await import('../migrate/migrator.js');
    await new Migrator({ database, ...migratorConfig(config) }).up();
    if (options.seed) {
      // The seed capability loads only when a seeded template is built.
      const { runSeeds, seedConfig } = await import('../seed/index.js');
      // The template dbctl is building holds nothing of the environment's: no guard to ask.
      await runSeeds({ database, ...seedConfig(config), protection: undefined });
    }
  });
}

/**
 * The migrated (unseeded) test template of the project as it is now, on the server of `config`'s
 * target, built first if it is missing (as `testdb create` would, under the same lock): a database
 * created from it is migrated already, at the cost of copying files instead of running every
 * migration. Its name, or undefined where templates are directory copies (PGlite: creating from a
 * template there copies a whole data directory, more than migrating an empty one costs).
 */
export async function migratedTemplate(config: ResolvedConfig): Promise<string | undefined> {
  return (await migratedTemplateOf(config))?.name;
}

/**
 * migratedTemplate, with the template's identity (Host.templateIdentity), when the host can tell.
 * `beforeBuild` is awaited before a missing template is built (its failure builds nothing).
 */
export async function migratedTemplateOf(config: ResolvedConfig, beforeBuild?: () => Promise<unknown>): Promise<{ name: string; identity?: string } | undefined> {
  const { capabilitiesOf } = await import('../driver/host.js');
  if (capabilitiesOf(config.target).templates !== 'create-database') return undefined;
  const template = templateName(config.testdb.prefix, templateHash(templateSources(config), false));
  const identity = await withHost(config, async (host) => {
    await ensureTemplate(host, template, { config }, beforeBuild);
    return host.templateIdentity(template);
  });
  return { name: template, identity };
}

/**
 * Where `db copy --testdb NAME` builds its template: beside the configured database's test
 * databases (its server, or the embedded test folder).
 */
export function copyTemplateTarget(config: ResolvedConfig, name: string): { target: Target; template: string } {
  if (!COPY_TEMPLATE_NAME.test(name)) throw new UsageError(`--testdb "${name}": a template name is 1 to 30 lowercase letters, digits or underscores`);
  const template = copyTemplateName(config.testdb.prefix, name);
  const target = testTargetBeside(config.target, template, config.cwd, EMBEDDED_TESTDB_DIR);
  return { target, template };
}

/** Clones a test database from the template `db copy --testdb NAME` made. */
export async function cloneCopyTemplate(config: ResolvedConfig, name: string): Promise<CreatedTestdb> {
  const template = copyTemplateName(config.testdb.prefix, name);
  return withHost(config, async (host) => {
    if (!(await host.hasTemplate(template))) {
      throw new UsageError(`no copy template "${name}" on ${host.host.label}`, { hint: `make it with \`dbctl db copy --from <source> --testdb ${name}\``, data: { template } }, 'testdb_missing');
    }
    const clone = cloneName(config.testdb.prefix);
    const started = performance.now();
    const { target, strategy } = await host.clone(clone, template);
    return { name: clone, url: target.url, target, kind: backendOf(config.target).id, template, built: false, strategy, milliseconds: Math.round(performance.now() - started) };
  });
}

/** Test databases and templates with the configured prefix. */
export async function listTestdbs(config: ResolvedConfig): Promise<TestdbEntry[]> {
  const currentNames = [false, true].map((seeded) => templateName(config.testdb.prefix, templateHash(templateSources(config), seeded)));
  return withHost(config, async (host) => entriesOf(config, await host.list(), currentNames));
}

function entriesOf(config: ResolvedConfig, names: string[], currentNames: string[]): TestdbEntry[] {
  const entries: TestdbEntry[] = [];
  for (const name of names) {
    const parsed = parseTestdbName(config.testdb.prefix, name);
    if (parsed) entries.push({ name, kind: parsed.kind, createdAt: parsed.createdAt, current: currentNames.includes(name) || !!parsed.copy });
  }
  return entries;
}

/**
 * Drops one test database or template; refuses any other name (this is not `db drop`). One that
 * does not exist is an error naming it (a mistyped name must not read as "dropped"), unless
 * `ifExists`: a caller cleaning up what it made does not mind it being gone already.
 */
export async function dropTestdb(config: ResolvedConfig, name: string, options: { ifExists?: boolean } = {}): Promise<void> {
  if (!parseTestdbName(config.testdb.prefix, name)) {
    throw new RefusedError(`"${name}" is not a dbctl test database (expected ${config.testdb.prefix}_test_… or ${config.testdb.prefix}_tpl_…)`, {
      hint: 'testdb drop only removes databases made by `dbctl testdb create`; use `dbctl db drop` for others',
    }, 'not_a_test_database');
  }
  await withHost(config, async (host) => {
    if (!options.ifExists && !(await host.list()).includes(name)) {
      throw new UsageError(`test database "${name}" does not exist on ${host.host.label}: nothing was dropped`, {
        hint: '`dbctl testdb list` shows the test databases and templates there',
        data: { database: name },
      }, 'testdb_missing');
    }
    await host.drop(name);
  });
}

/**
 * Drops every test database and template (`all`), or only templates that no longer match the
 * project and clones created before `olderThanMs` ago (prune). Returns the dropped names.
 */
export async function removeTestdbs(config: ResolvedConfig, selection: { all: true } | { olderThanMs: number }): Promise<string[]> {
  const currentNames = [false, true].map((seeded) => templateName(config.testdb.prefix, templateHash(templateSources(config), seeded)));
  const cutoff = 'all' in selection ? Infinity : Date.now() - selection.olderThanMs;
  return withHost(config, async (host) => {
    const doomed = entriesOf(config, await host.list(), currentNames).filter((e) =>
      'all' in selection ? true : e.kind === 'template' ? !e.current : e.createdAt!.getTime() < cutoff,
    );
    // Clones first: a template can only be dropped once nothing copies from it.
    doomed.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'clone' ? -1 : 1));
    for (const e of doomed) await host.drop(e.name);
    return doomed.map((e) => e.name);
  });
}
