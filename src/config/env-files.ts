import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';

/**
 * The environment files dbctl reads, most specific first (the first file that sets a variable
 * wins; real environment variables win over every file): `.env.<env>.local`, `.env.<env>`,
 * `.env.local`, `.env`. The same order as Vite, Next.js and dotenv-flow, so a project's existing
 * files mean what their authors expect.
 */
export function envFileNames(env?: string): string[] {
  return env ? [`.env.${env}.local`, `.env.${env}`, '.env.local', '.env'] : ['.env.local', '.env'];
}

export interface EnvFiles {
  /** Variable → value, the most specific file winning (an empty value too). */
  values: Record<string, string>;
  /** Variable → the file (base name) it came from, to say where a URL was found. */
  origin: Record<string, string>;
}

/**
 * Reads the environment files in `dir` without touching process.env. A value may name another
 * variable as `${NAME}` (as docker compose reads the same .env): `DATABASE_URL=postgres://app:
 * ${POSTGRES_PASSWORD}@…` keeps the password in one line. NAME is looked up in `environ` (the
 * process environment wins, as everywhere), then in the files; an unknown NAME stays as written.
 */
export function readEnvFiles(dir: string, env?: string, environ: Record<string, string | undefined> = {}): EnvFiles {
  const values: Record<string, string> = {};
  const origin: Record<string, string> = {};
  for (const name of envFileNames(env)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    for (const [key, value] of Object.entries(parseDotenv(fs.readFileSync(file)))) {
      // An empty value is kept: it is set, and it shadows the less specific files. Whoever reads the
      // variable refuses it rather than falling through to another file's (another database's) value.
      if (key in values) continue;
      values[key] = value;
      origin[key] = name;
    }
  }
  const raw = { ...values }; // one level: a referenced value is used as written
  for (const key of Object.keys(values)) {
    values[key] = raw[key]!.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => environ[name] ?? raw[name] ?? whole);
  }
  return { values, origin };
}
