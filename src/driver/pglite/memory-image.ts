import fs from 'node:fs';
import path from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';
import { pgliteBaseImage } from './image.js';

/** One entry of the base image: a directory, or a file and its bytes; `rel` is relative to PGDATA. */
type ImageEntry = { rel: string; data?: Uint8Array };

/**
 * The base image's files, read once per process (~40 MB, under a thousand files) and shared by
 * every in-memory database it opens: each gets its own copy in its file system.
 */
let image: Promise<ImageEntry[]> | undefined;

function baseImageEntries(onBuild?: () => void): Promise<ImageEntry[]> {
  image ??= pgliteBaseImage({ onBuild }).then(readTree);
  image.catch(() => {
    image = undefined; // a failed read is retried by the next open
  });
  return image;
}

function readTree(root: string): ImageEntry[] {
  const entries: ImageEntry[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        entries.push({ rel: child });
        walk(child);
      } else if (entry.isFile()) {
        // A plain Uint8Array, not a Buffer: MEMFS keeps `data.slice()` as the file's contents,
        // which copies a Uint8Array but is a view of a Buffer, and Postgres writes to its files.
        entries.push({ rel: child, data: new Uint8Array(fs.readFileSync(path.join(root, child))) });
      }
    }
  };
  walk('');
  return entries;
}

/**
 * A PGlite file system in memory that starts as the prepared base image (pglite/image.ts), so a
 * pglite://memory database opens without initdb (~10 s of CPU). Measured against the other ways
 * (docs/benchmarks.md, migrate diff): a directory database pays an Emscripten file-system call per
 * relation file (minutes at 1,000 tables), and PGlite's own `loadDataDir` tarball reads its Blob
 * in small chunks and untars path by path, ~3 s per open on the loaded 2-core machine; writing the
 * image's files straight into the in-memory file system, before Postgres starts, skips both.
 */
export async function memoryFsFromBaseImage(options: { onBuild?: () => void } = {}): Promise<NonNullable<PGliteOptions['fs']>> {
  const [entries, { MemoryFS, PGlite }] = await Promise.all([baseImageEntries(options.onBuild), import('@electric-sql/pglite')]);
  const pgdata = PGlite.paths.PGDATA;
  return new (class ImageMemoryFS extends MemoryFS {
    override async initialSyncFs(): Promise<void> {
      await super.initialSyncFs();
      // PGlite sees PG_VERSION and resumes this cluster instead of running initdb.
      const FS = this.pg!.Module.FS;
      FS.mkdirTree(pgdata);
      for (const entry of entries) {
        const target = `${pgdata}/${entry.rel}`;
        if (entry.data) FS.writeFile(target, entry.data);
        else FS.mkdir(target);
      }
    }
  })();
}
