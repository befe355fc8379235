import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';
import { sharedKyselyFrom } from '../kysely-shared.js';
import { VERSION } from '../version.js';

/**
 * A run's pending TS/JS migrations loaded as ONE module: bundled with rolldown (their own relative
 * imports inside, packages such as kysely outside; kysely, when it is the package the CLI loaded as
 * one file, from that file: see kyselyFileFor), cached by content, imported natively. Per file
 * through jiti, every module's `import … from 'kysely'` is resolved and linked again (about 3 ms a
 * file); the bundle resolves it once. A cached bundle is used when every file that went into it is
 * unchanged (the migrations are its key; their helpers are checked against the hashes beside it).
 *
 * The bundle is only a faster way to the same modules: checksums are still of each file, and a
 * failure inside one is mapped back to its own `file:line` through the bundle's source map
 * (`originalFrame`). Whatever cannot be bundled as it is (a file that reads `import.meta`,
 * `__dirname` or `require`, which would see the bundle's place, not its own; a syntax error;
 * a project without node_modules to resolve packages from) is left to the per-file loader, which
 * reports errors as before.
 */
export interface Bundled {
  /** Each bundled file's module namespace, by absolute path. */
  modules: Map<string, unknown>;
  /** The bundle file, whose stack frames `originalFrame` maps back. */
  file: string;
}

const KEEP = 8;
/** What makes a module depend on where it lies: it cannot move into a bundle. */
const PLACE_BOUND = /\bimport\.meta\b|\b__dirname\b|\b__filename\b|\brequire\s*\(/;

const bundles = new Map<string, Bundled>();
const inFlight = new Map<string, Promise<Bundled | undefined>>();

/** A migration file and its checksum (files.ts), which the run has already computed. */
export interface BundleInput {
  file: string;
  checksum: string;
}

/**
 * Bundles (or finds the cached bundle of) `files` and imports it; undefined when it cannot be used.
 * The migrations are the cache's key by their checksums, so a warm run reads none of them again.
 */
export async function loadBundled(files: BundleInput[]): Promise<Bundled | undefined> {
  if (files.length < 2) return undefined;
  const cacheDir = cacheDirFor(path.dirname(files[0].file));
  if (!cacheDir) return undefined;
  const kysely = await kyselyFileFor(cacheDir);
  const key = createHash('sha256').update(`${VERSION}\0${kysely ?? ''}\0`);
  for (const f of files) key.update(`${f.file}\0${f.checksum}\0`);
  const name = `migrations-${key.digest('hex').slice(0, 24)}`;
  const bundleFile = path.join(cacheDir, `${name}.mjs`);
  // One load per bundle in a process, even when several runs (a fleet's databases) ask at once.
  let loading = inFlight.get(bundleFile);
  if (!loading) {
    loading = importBundle(cacheDir, name, bundleFile, files, kysely);
    inFlight.set(bundleFile, loading);
    void loading.then((b) => b || inFlight.delete(bundleFile));
  }
  return loading;
}

/** What the cache keeps beside a bundle: the files bundled (`m0`, `m1`, … in order) and each helper's hash. */
interface BundleMeta {
  movable: string[];
  inputs: Record<string, string>;
}

async function importBundle(cacheDir: string, name: string, bundleFile: string, files: BundleInput[], kysely: string | undefined): Promise<Bundled | undefined> {
  try {
    const meta = cachedBundle(bundleFile, files) ?? (await writeBundle(files, bundleFile, kysely));
    if (!meta) return undefined;
    const namespace = (await import(pathToFileURL(bundleFile).href)) as Record<string, unknown>;
    const bundled = { modules: new Map(meta.movable.map((file, i) => [file, namespace[`m${i}`]])), file: bundleFile };
    bundles.set(bundleFile, bundled);
    prune(cacheDir, name);
    return bundled;
  } catch {
    // A file that does not bundle (a syntax error) or a bundle that does not run (a module that
    // throws while loading): the per-file loader reports it, naming the file.
    return undefined;
  }
}

/** Bundles the files that can move; undefined (and nothing cached) when fewer than two can. */
async function writeBundle(all: BundleInput[], bundleFile: string, kysely: string | undefined): Promise<BundleMeta | undefined> {
  const files = all.filter((f) => !PLACE_BOUND.test(fs.readFileSync(f.file, 'utf8'))).map((f) => f.file);
  if (files.length < 2) return undefined;
  const { build } = await import('rolldown');
  const entry = files.map((f, i) => `export * as m${i} from ${JSON.stringify(f)};`).join('\n');
  const ENTRY = '\0dbctl-migrations';
  const out = await build({
    input: ENTRY,
    platform: 'node',
    write: false,
    logLevel: 'silent',
    // Packages stay outside: imported from node_modules, so kysely is the project's, as per file.
    external: (id) => id !== ENTRY && !/^[./\0]|^[a-z]:[\\/]/i.test(id) && !path.isAbsolute(id),
    plugins: [{ name: 'dbctl-migrations', resolveId: (id) => (id === ENTRY ? id : null), load: (id) => (id === ENTRY ? entry : null) }],
    // The map's sources are relative to dir: the bundle's own folder.
    output: { format: 'esm', sourcemap: true, dir: path.dirname(bundleFile), ...(kysely ? { paths: { kysely: pathToFileURL(kysely).href } } : {}) },
  });
  // One file or none: a migration that imports lazily (a second chunk) is loaded the usual way.
  const chunks = out.output.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1 || chunks[0].type !== 'chunk') throw new Error('not one chunk');
  const chunk = chunks[0];
  // The files that went in, with their hashes: a helper changed since makes the bundle stale.
  // The migrations are in the key by their checksums: one changed while it was bundled is not cached.
  const { checksumOf } = await import('./files.js');
  if (all.some((f) => checksumOf(f.file) !== f.checksum)) throw new Error('changed while bundled');
  const own = new Set(all.map((f) => f.file));
  const inputs = Object.fromEntries(chunk.moduleIds.filter((id) => path.isAbsolute(id) && !own.has(id)).map((id) => [id, sha256(fs.readFileSync(id))]));
  const map = chunk.map ? { ...chunk.map, sources: chunk.map.sources.map((s) => path.resolve(path.dirname(bundleFile), s)) } : undefined;
  // Written under temporary names and renamed: a concurrent run never reads half a bundle.
  const tmp = `${bundleFile}.${process.pid}`;
  fs.writeFileSync(`${tmp}.map`, JSON.stringify(map ?? {}));
  const meta: BundleMeta = { movable: files, inputs };
  fs.writeFileSync(`${tmp}.json`, JSON.stringify(meta));
  fs.writeFileSync(tmp, `${chunk.code}\n//# sourceMappingURL=${path.basename(bundleFile)}.map\n`);
  fs.renameSync(`${tmp}.map`, `${bundleFile}.map`);
  fs.renameSync(`${tmp}.json`, `${bundleFile}.json`);
  fs.renameSync(tmp, bundleFile);
  return meta;
}

/** The cached bundle's meta, when the bundle is there and no helper it holds has changed (the migrations are its key). */
function cachedBundle(bundleFile: string, files: BundleInput[]): BundleMeta | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(`${bundleFile}.json`, 'utf8')) as BundleMeta;
    const own = new Set(files.map((f) => f.file));
    const valid = Array.isArray(meta.movable) && meta.movable.every((f) => own.has(f)) && fs.existsSync(bundleFile)
      && Object.entries(meta.inputs).every(([file, hash]) => own.has(file) || sha256(fs.readFileSync(file)) === hash);
    return valid ? meta : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The single-file Kysely the CLI loaded (src/cli/kysely-fast.ts), when the migrations' `kysely`
 * (resolved from the bundle's folder, as Node will) is the package it was made from: the bundle
 * then imports that file, so Kysely is loaded once and shared. Otherwise (the library, or a project
 * with a Kysely of its own) the bundle imports `kysely` as a package.
 */
async function kyselyFileFor(cacheDir: string): Promise<string | undefined> {
  // In the CLI this is the single-file Kysely, which says where it was loaded from.
  await import('kysely');
  return sharedKyselyFrom(cacheDir)?.file;
}

/** `<nearest folder with node_modules>/node_modules/.cache/dbctl`: packages resolve from there as from the migrations. */
function cacheDirFor(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) {
      const cache = path.join(d, 'node_modules', '.cache', 'dbctl');
      try {
        fs.mkdirSync(cache, { recursive: true });
        return cache;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** Keeps the newest KEEP bundles (and the one just used). */
function prune(cacheDir: string, keep: string): void {
  try {
    const names = fs.readdirSync(cacheDir).filter((n) => /^migrations-[0-9a-f]+\.mjs$/.test(n) && n !== `${keep}.mjs`);
    const old = names.map((n) => ({ n, t: fs.statSync(path.join(cacheDir, n)).mtimeMs })).sort((a, b) => b.t - a.t).slice(KEEP - 1);
    for (const { n } of old) for (const suffix of ['', '.map', '.json']) fs.rmSync(path.join(cacheDir, n + suffix), { force: true });
  } catch {
    /* a cache that cannot be tidied is still a cache */
  }
}

/**
 * Where in `file` an error thrown by bundled code was: its first stack frame in the bundle that the
 * bundle's source map places in `file`.
 */
export function originalFrame(error: unknown, file: string): { line: number; col: number } | undefined {
  const stack = String((error as Error)?.stack ?? '');
  for (const bundled of bundles.values()) {
    const base = path.basename(bundled.file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const frames = [...stack.matchAll(new RegExp(`${base}:(\\d+):(\\d+)`, 'g'))];
    if (!frames.length) continue;
    let map: SourceMap;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${bundled.file}.map`, 'utf8')));
    } catch {
      return undefined;
    }
    for (const frame of frames) {
      const entry = map.findEntry(Number(frame[1]) - 1, Number(frame[2]) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (entry?.originalSource && path.resolve(entry.originalSource.replace(/^file:\/\//, '')) === path.resolve(file)) {
        return { line: entry.originalLine! + 1, col: entry.originalColumn! + 1 };
      }
    }
  }
  return undefined;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
