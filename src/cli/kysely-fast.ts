import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setSharedKysely, type SharedKysely } from '../kysely-shared.js';

/**
 * Kysely for the CLI bundle, loaded as ONE file. Its ESM build is ~240 modules: Node 20 resolves,
 * reads and links each one, about 120 ms before any query, every time a command touches Kysely
 * (a `.ts` migration run, seeds, typegen). The same code bundled into one file loads in ~15 ms.
 *
 * The Kysely is still the one dbctl resolves today (a peer dependency: the project's): the bundle
 * is made from that package's own files, kept in `node_modules/.cache/dbctl` beside it, and used
 * only while every file that went into it is unchanged (size and mtime, so an upgrade or a
 * patch-package edit rebuilds it). Where the cache cannot be written or built, Kysely is imported
 * as it always was. rolldown.config.mjs points the CLI's `kysely` imports at this module.
 *
 * A project's migrations that resolve the same Kysely use this file too (bundle.ts), so they and
 * dbctl share one instance, as before.
 */
export const kysely: Promise<typeof import('kysely')> = load();

interface Meta {
  inputs: Array<[file: string, size: number, mtimeMs: number]>;
}

async function load(): Promise<typeof import('kysely')> {
  try {
    const found = await cachedOrBuilt();
    if (found) {
      const mod = (await import(pathToFileURL(found.file).href)) as typeof import('kysely');
      setSharedKysely(found);
      return mod;
    }
  } catch {
    /* a cache that cannot be used: Kysely as it always was */
  }
  return import('kysely');
}

async function cachedOrBuilt(): Promise<SharedKysely | undefined> {
  if (process.env.DBCTL_NO_KYSELY_CACHE) return undefined;
  // The file a bare `import 'kysely'` here would load (a real path, as Node's resolver gives).
  const entry = fileURLToPath(import.meta.resolve('kysely'));
  const packageDir = packageDirOf(entry);
  if (!packageDir) return undefined;
  const cacheDir = path.join(path.dirname(packageDir), '.cache', 'dbctl');
  const version = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version as string;
  const name = `kysely-${version}-${createHash('sha256').update(entry).digest('hex').slice(0, 12)}`;
  const file = path.join(cacheDir, `${name}.mjs`);
  if (fresh(file)) return { file, packageDir };
  fs.mkdirSync(cacheDir, { recursive: true });
  const { build } = await import('rolldown');
  const out = await build({ input: entry, platform: 'node', write: false, logLevel: 'silent', output: { format: 'esm' } });
  const chunks = out.output.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1 || chunks[0].type !== 'chunk') return undefined;
  const chunk = chunks[0];
  const meta: Meta = { inputs: chunk.moduleIds.filter((id) => path.isAbsolute(id)).map((id) => stamp(id)) };
  // Under temporary names, then renamed: a concurrent run never reads half a file.
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(`${tmp}.json`, JSON.stringify(meta));
  fs.writeFileSync(tmp, chunk.code);
  fs.renameSync(`${tmp}.json`, `${file}.json`);
  fs.renameSync(tmp, file);
  return { file, packageDir };
}

/** The bundle is there and no file that went into it has changed since. */
function fresh(file: string): boolean {
  try {
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Meta;
    if (!Array.isArray(meta.inputs) || !meta.inputs.length || !fs.existsSync(file)) return false;
    return meta.inputs.every(([f, size, mtimeMs]) => {
      const s = fs.statSync(f, { throwIfNoEntry: false });
      return !!s && s.size === size && s.mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}

function stamp(file: string): [string, number, number] {
  const s = fs.statSync(file);
  return [file, s.size, s.mtimeMs];
}

/** `…/node_modules/kysely` for an entry file inside it. */
function packageDirOf(entry: string): string | undefined {
  const parts = entry.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || !parts[at + 1]) return undefined;
  return parts.slice(0, at + 2).join(path.sep);
}
