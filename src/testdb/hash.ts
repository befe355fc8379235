import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listMigrationFiles } from '../migrate/files.js';
import { filesUnder } from '../source-files.js';
import { VERSION } from '../version.js';

/**
 * The template's identity: every migration file's bytes, the environment's seed files
 * (seeds/common and seeds/<env>) and fixtures, dbctl's version, and whether it is seeded. Paths
 * are hashed relative to their folder, so the same project in another checkout gets the same
 * template; anything else (README edits, other environments' seeds) leaves the hash alone.
 */
/** What a template is built from (`templateSources(config)` gives them). */
export interface TemplateSources {
  migrationsDir: string;
  seedsDir: string;
  env: string;
  fixturesDir: string;
}

export function templateHash(sources: TemplateSources, seeded: boolean): string {
  const hash = createHash('sha256');
  const add = (label: string, file: string) => {
    hash.update(`${label}\0${file.length}\0`);
    hash.update(fs.readFileSync(file));
  };
  hash.update(`dbctl ${VERSION}\0seeded ${seeded}\0`);
  for (const m of listMigrationFiles(sources.migrationsDir)) add(`migration:${path.basename(m.file)}`, m.file);
  const trees: Array<[string, string]> = [
    ['seeds/common', path.join(sources.seedsDir, 'common')],
    [`seeds/${sources.env}`, path.join(sources.seedsDir, sources.env)],
    ['fixtures', sources.fixturesDir],
  ];
  for (const [label, dir] of trees) {
    for (const rel of filesUnder(dir)) add(`${label}/${rel}`, path.join(dir, rel));
  }
  return hash.digest('hex').slice(0, 16);
}
