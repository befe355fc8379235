import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { UsageError } from '../errors.js';
import { listMigrationFiles, type MigrationFile } from '../migrate/files.js';
import { sharedObjects, type Touched } from '../migrate/touched.js';
import { withThrowawayDatabase } from '../database/throwaway.js';

/**
 * `dbctl migrate check --base REF`: the migrations this branch adds and those REF added since the
 * merge base (read with git), pair by pair across the branches: they conflict when they touch the
 * same object (one writes what the other writes or reads: migrate/touched.ts, from the statements
 * Postgres's parser reads; TS/JS migrations by the SQL a dry run captures, as `migrate lint` does),
 * or when applying them in both orders on scratch databases gives different schemas (or one order
 * fails). A branch migration that sorts before REF's newest is flagged: after the merge it would
 * be unordered.
 */
export interface BranchCheckOptions {
  config: ResolvedConfig;
  base: string;
}

export interface PairVerdict {
  ours: string;
  theirs: string;
  status: 'commute' | 'conflict';
  objects: string[];
  /** When the two orders differ: what each order gives that the other does not, or how one failed. */
  difference?: string[];
}

export interface BranchCheckReport {
  ok: boolean;
  base: string;
  mergeBase: string;
  ours: string[];
  theirs: string[];
  pairs: PairVerdict[];
  /** Ours that sort before the newest of theirs (they need --allow-unordered after the merge, or a rename). */
  older: string[];
}

export async function checkBranchMigrations(options: BranchCheckOptions): Promise<BranchCheckReport> {
  const { config } = options;
  const dir = config.migrations.dir;
  let top = dir;
  // Paths go in and come out relative to the repository's top.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let mergeBase: string;
  try {
    top = git('rev-parse', '--show-toplevel');
    mergeBase = git('merge-base', 'HEAD', options.base);
  } catch (error) {
    throw new UsageError(`--base ${options.base}: ${String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n')[0] || 'not a git ref'}`, { hint: 'run in a git repository; fetch the base first (git fetch origin main)' });
  }
  const rel = path.relative(top, fs.realpathSync(dir)) || '.';
  const added = (...range: string[]) => git('diff', '--name-only', '--diff-filter=A', ...range, '--', rel).split('\n').filter(Boolean);
  const untracked = git('ls-files', '--others', '--exclude-standard', '--', rel).split('\n').filter(Boolean);
  const isMigration = (p: string) => path.dirname(p) === rel && /\.(sql|ts|mts|js|mjs)$/.test(p) && !p.endsWith('.d.ts');
  const files = listMigrationFiles(dir);
  const ourPaths = new Set([...added(mergeBase), ...untracked].filter(isMigration).map((p) => path.basename(p)));
  const ours = files.filter((f) => ourPaths.has(path.basename(f.file)));
  const common = files.filter((f) => !ourPaths.has(path.basename(f.file)));
  const theirPaths = added(mergeBase, options.base).filter(isMigration);

  const scratch = fs.mkdtempSync(path.join(path.dirname(dir), '.dbctl-check-'));
  try {
    const theirsDir = path.join(scratch, 'theirs');
    fs.mkdirSync(theirsDir);
    for (const p of theirPaths) fs.writeFileSync(path.join(theirsDir, path.basename(p)), execFileSync('git', ['show', `${options.base}:${p}`], { cwd: top, maxBuffer: 1 << 28 }));
    const theirs = listMigrationFiles(theirsDir).filter((f) => !common.some((c) => c.name === f.name));
    const newest = theirs.at(-1)?.name;
    const older = newest ? ours.filter((f) => f.name < newest).map((f) => f.name) : [];
    const touched = new Map<string, Touched>([
      ...(await touchedBy(config, scratch, 'ours', common, ours)),
      ...(await touchedBy(config, scratch, 'theirs', common, theirs)),
    ]);
    const pairs: PairVerdict[] = [];
    for (const a of ours) {
      for (const b of theirs) {
        const objects = sharedObjects(touched.get(`ours:${a.name}`)!, touched.get(`theirs:${b.name}`)!);
        const difference = await bothOrders(config, scratch, common, a, b);
        pairs.push({ ours: a.name, theirs: b.name, status: objects.length || difference ? 'conflict' : 'commute', objects, ...(difference ? { difference } : {}) });
      }
    }
    return { ok: pairs.every((p) => p.status === 'commute'), base: options.base, mergeBase, ours: ours.map((f) => f.name), theirs: theirs.map((f) => f.name), pairs, older };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A folder beside the migrations (so TS migrations' imports resolve as they do there) holding `files` under the given names. */
function folderOf(scratch: string, name: string, files: Array<{ file: MigrationFile; as?: string }>): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const { file, as } of files) fs.copyFileSync(file.file, path.join(dir, as ?? path.basename(file.file)));
  return dir;
}

/** What each migration of `side` touches: SQL from its text, TS/JS from what a dry run captures on top of `common`. */
async function touchedBy(config: ResolvedConfig, scratch: string, side: string, common: MigrationFile[], files: MigrationFile[]): Promise<Array<[string, Touched]>> {
  const [{ parseSqlMigration }, { parseStatements }, { touchedObjects }] = await Promise.all([import('../migrate/sql-file.js'), import('../sql/statements.js'), import('../migrate/touched.js')]);
  const out: Array<[string, Touched]> = [];
  const modules = files.filter((f) => f.kind !== 'sql');
  let captured = new Map<string, { up: string[] }>();
  if (modules.length) {
    const dir = folderOf(scratch, `capture-${side}`, [...common, ...files].map((file) => ({ file })));
    const [{ captureModules }, { migratorConfig }] = await Promise.all([import('../lint/capture.js'), import('../config/props.js')]);
    captured = await captureModules(config, { ...migratorConfig(config), migrations: dir }, listMigrationFiles(dir), new Set(modules.map((f) => f.name)));
  }
  for (const f of files) {
    const sql = f.kind === 'sql' ? [parseSqlMigration(f.file).up.sql] : (captured.get(f.name)?.up ?? []);
    const statements = (await Promise.all(sql.map((s) => parseStatements(s).catch(() => [])))).flat();
    out.push([`${side}:${f.name}`, touchedObjects(statements)]);
  }
  return out;
}

/** Applies a then b, and b then a, on scratch databases over `common`: undefined when the schemas agree. */
async function bothOrders(config: ResolvedConfig, scratch: string, common: MigrationFile[], a: MigrationFile, b: MigrationFile): Promise<string[] | undefined> {
  const ext = (f: MigrationFile) => path.extname(f.file);
  const order = async (first: MigrationFile, second: MigrationFile, label: string) => {
    const dir = folderOf(scratch, `order-${a.name}-${b.name}-${label}`, [
      ...common.map((file) => ({ file })),
      { file: first, as: `zzzz_1_${first.name}${ext(first)}` },
      { file: second, as: `zzzz_2_${second.name}${ext(second)}` },
    ]);
    const orderConfig: ResolvedConfig = { ...config, migrations: { ...config.migrations, dir } };
    const [{ Migrator, migratorConfig }, { introspectSchema }] = await Promise.all([import('../migrate/migrator.js'), import('../schema/index.js')]);
    return withThrowawayDatabase(orderConfig, async (database) => {
      try {
        await new Migrator({ database, ...migratorConfig(orderConfig) }).up();
      } catch (error) {
        return { failed: `${label} fails: ${String((error as Error).message).split('\n')[0]}` };
      }
      return { snapshot: await introspectSchema(database, { migrations: config.migrations }) };
    });
  };
  const ab = await order(a, b, `${a.name} then ${b.name}`);
  const ba = await order(b, a, `${b.name} then ${a.name}`);
  if ('failed' in ab || 'failed' in ba) return [ab.failed, ba.failed].filter((s): s is string => !!s);
  const { diffSchemas, describeSchemaDiff } = await import('../schema/index.js');
  const diff = diffSchemas(ab.snapshot!, ba.snapshot!);
  if (diff.equal) return undefined;
  return describeSchemaDiff(diff, { missing: `only with ${a.name} first`, extra: `only with ${b.name} first` });
}
