import fs from 'node:fs';
import path from 'node:path';

/** The Postgres major each Citus major's official image runs (citusdata/citus:13 is PostgreSQL 17). */
const CITUS_PG: Record<number, number> = { 11: 15, 12: 16, 13: 17 };
/** Images whose tag starts with the Postgres version (`postgres:16.4-alpine`, `postgis/postgis:16-3.4`). */
const VERSION_TAGGED = /(^|\/)(postgres|postgresql|postgis|postgresql-ha|supabase\/postgres|cloudnative-pg\/postgresql|pgvecto-rs)$/;

/**
 * The Postgres major a container image runs, from its name and tag: `postgres:16`,
 * `pgvector/pgvector:0.8.1-pg17`, `timescale/timescaledb:latest-pg16`, `citusdata/citus:13`.
 * Undefined when the tag does not say (`postgres:latest`, no tag, an unknown image).
 */
export function majorOfImage(image: string): number | undefined {
  const ref = image.trim().replace(/@sha256:[0-9a-f]+$/i, '');
  const colon = ref.lastIndexOf(':');
  if (colon < 0 || ref.lastIndexOf('/') > colon) return undefined;
  const name = ref.slice(0, colon).toLowerCase().replace(/^(docker\.io\/)?(library\/)?/, '');
  const tag = ref.slice(colon + 1).toLowerCase();
  const plausible = (n: number) => (n >= 9 && n <= 40 ? n : undefined);
  const pg = /(?:^|[-_.])pg(\d{2})(?=$|[-_.])/.exec(tag);
  if (pg) return plausible(Number(pg[1]));
  const lead = /^(\d+)(?=$|[-_.])/.exec(tag);
  if (!lead) return undefined;
  if (/(^|\/)citus$/.test(name)) return CITUS_PG[Number(lead[1])];
  return VERSION_TAGGED.test(name) ? plausible(Number(lead[1])) : undefined;
}

export interface ComposeMajor {
  major: number;
  image: string;
  /** The compose file, relative to the project. */
  file: string;
}

/** The first Postgres image in `cwd`'s compose file (one of `files`) whose tag names a major. */
export function composeMajor(cwd: string, files: string[]): ComposeMajor | undefined {
  for (const file of files) {
    const full = path.join(cwd, file);
    if (!fs.existsSync(full)) continue;
    for (const m of fs.readFileSync(full, 'utf8').matchAll(/^\s*image:\s*["']?([^\s"'#]+)/gm)) {
      const major = majorOfImage(m[1]);
      if (major !== undefined) return { major, image: m[1], file };
    }
    return undefined;
  }
  return undefined;
}
