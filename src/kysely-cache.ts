import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SharedKysely } from './kysely-shared.js';

/**
 * A package's ESM entry bundled into ONE file, kept in `node_modules/.cache/dbctl` beside the
 * package and used while every file that went into it is unchanged (size and mtime: an upgrade, a
 * reinstall or a patch-package edit makes a new one). For Kysely (src/cli/kysely-fast.ts): its ESM
 * build is ~240 modules, which Node 20 resolves, reads and links one by one (~120 ms); one file loads
 * in ~15 ms. Undefined when the package is not inside a node_modules folder or cannot be bundled as
 * one file; throws when the cache cannot be written (the caller then imports the package as usual).
 */
export async function singleFilePackage(entry: string): Promise<SharedKysely | undefined> {
  const packageDir = packageDirOf(entry);
  if (!packageDir) return undefined;
  const cacheDir = path.join(path.dirname(packageDir), '.cache', 'dbctl');
  const { name, version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  const base = `${String(name ?? path.basename(packageDir)).replace(/[^\w.-]+/g, '_')}-${version ?? '0'}-${createHash('sha256').update(entry).digest('hex').slice(0, 12)}`;
  const file = path.join(cacheDir, `${base}.mjs`);
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

interface Meta {
  inputs: Array<[file: string, size: number, mtimeMs: number]>;
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

/** `…/node_modules/<name>` (or `…/node_modules/@scope/<name>`) for a file inside it. */
function packageDirOf(entry: string): string | undefined {
  const parts = entry.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || !parts[at + 1]) return undefined;
  const depth = parts[at + 1].startsWith('@') ? 3 : 2;
  return parts.length > at + depth ? parts.slice(0, at + depth).join(path.sep) : undefined;
}
