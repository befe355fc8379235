import { fileURLToPath, pathToFileURL } from 'node:url';
import { singleFilePackage } from '../kysely-cache.js';
import { setSharedKysely } from '../kysely-shared.js';

/**
 * Kysely for the CLI bundle, loaded as ONE file (src/kysely-cache.ts): its ESM build is ~240
 * modules, which Node 20 resolves, reads and links one by one, ~120 ms before any query, every time
 * a command touches Kysely (a `.ts` migration run, seeds, typegen); the same code as one file loads
 * in ~15 ms. rolldown.config.mjs points the CLI's `kysely` imports here.
 *
 * It is still the Kysely dbctl resolves (a peer dependency: the project's), made from that
 * package's own files. Where the cache cannot be written or built (a read-only install), or with
 * DBCTL_NO_KYSELY_CACHE set, Kysely is imported as a package, as before. A project's migrations
 * that resolve the same package import the same file (src/migrate/bundle.ts): one instance, shared.
 */
export const kysely: Promise<typeof import('kysely')> = load();

async function load(): Promise<typeof import('kysely')> {
  try {
    // The file a bare `import 'kysely'` here would load (a real path, as Node's resolver gives).
    const found = process.env.DBCTL_NO_KYSELY_CACHE ? undefined : await singleFilePackage(fileURLToPath(import.meta.resolve('kysely')));
    if (found) {
      const mod = (await import(pathToFileURL(found.file).href)) as typeof import('kysely');
      setSharedKysely(found);
      return mod;
    }
  } catch {
    /* a cache that cannot be used: Kysely as a package */
  }
  return import('kysely');
}
