import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CONFIG_FILES } from '../config/load.js';
import { timestampPrefix } from '../migrate/new.js';
import { composeMajor, majorOfImage } from './postgres-version.js';
import { COMPOSE_TEMPLATE, ENV_EXAMPLE_HEADER, ENV_HEADER, FIRST_MIGRATION, FIRST_SCHEMA, FIRST_SEED, configTemplate, envLines } from './templates.js';

export interface InitOptions {
  /** The project folder. */
  cwd: string;
  /** An existing config file (found by the caller): not written again. */
  configFile?: string | null;
  /** Folders, absolute or relative to `cwd` (default `migrations`, `seeds`: an existing config's). */
  migrationsDir?: string;
  seedsDir?: string;
  /**
   * Also the schema folder `dbctl migrate diff` reads (default `schema`, an existing config's
   * `schema.dir`): the first migration's schema when init writes that migration; else the command
   * that seeds it from the migrations.
   */
  schema?: boolean;
  schemaDir?: string;
  /** Also a compose file for a local server, and `.env` / `.env.example` for its password. */
  docker?: boolean;
  /** The production server's Postgres major (asked, or `--postgres-version`); else read from the compose file. */
  postgresVersion?: number;
  /** The first migration's timestamp (tests). */
  now?: Date;
}

export interface InitFile {
  /** Relative to the project folder. */
  path: string;
  action: 'created' | 'appended' | 'skipped';
  /** What was appended, or why it was skipped. */
  detail?: string;
}

export interface InitReport {
  cwd: string;
  files: InitFile[];
  /** The commands to run next, in order. */
  next: string[];
  /** Production's Postgres major as init found it (postgres.version), and where from; null when nothing said. */
  postgres: { version: number; from: string } | null;
}

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const MIGRATION_FILE = /\.(ts|mts|js|mjs|sql)$/;

/**
 * Sets up a project for dbctl: config, a first migration, a first seed, .gitignore entries and,
 * with `docker`, a compose file. Idempotent: it never overwrites; what exists is reported skipped.
 */
export function initProject(options: InitOptions): InitReport {
  const cwd = path.resolve(options.cwd);
  const files: InitFile[] = [];
  const rel = (file: string) => path.relative(cwd, file) || '.';
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { flag: 'wx' });
    files.push({ path: rel(file), action: 'created' });
  };

  const existingConfig = options.configFile ?? CONFIG_FILES.flatMap((f) => [path.join(cwd, f), path.join(cwd, '.config', f)]).find((f) => fs.existsSync(f));
  const postgres = postgresVersionFor(cwd, options);
  if (existingConfig) {
    const says = /\bpostgres\s*:/.test(fs.readFileSync(existingConfig, 'utf8'));
    files.push({ path: rel(existingConfig), action: 'skipped', detail: postgres && !says ? `exists; add postgres: { version: ${postgres.version} } (${postgres.from})` : 'exists' });
  } else write(path.join(cwd, 'dbctl.config.ts'), configTemplate(postgres ?? undefined));

  const migrationsDir = path.resolve(cwd, options.migrationsDir ?? 'migrations');
  const migrations = listFiles(migrationsDir).filter((f) => MIGRATION_FILE.test(f) && !f.startsWith('.'));
  const firstMigration = migrations.length === 0;
  if (firstMigration) write(path.join(migrationsDir, `${timestampPrefix(options.now)}_create_users.ts`), FIRST_MIGRATION);
  else files.push({ path: rel(migrationsDir) + '/', action: 'skipped', detail: `has ${migrations.length} migration(s)` });

  // The example seed fills the example migration's table; next to migrations of its own, a
  // project gets an empty seeds/common instead.
  const common = path.join(path.resolve(cwd, options.seedsDir ?? 'seeds'), 'common');
  const seeds = listFiles(common);
  if (seeds.length) files.push({ path: rel(common) + '/', action: 'skipped', detail: `has ${seeds.length} file(s)` });
  else if (firstMigration) write(path.join(common, '01_users.ts'), FIRST_SEED);
  else write(path.join(common, '.gitkeep'), '');

  const next: string[] = [];
  if (options.schema) {
    const dir = path.resolve(cwd, options.schemaDir ?? 'schema');
    const sql = listFiles(dir).filter((f) => f.endsWith('.sql'));
    if (sql.length) files.push({ path: rel(dir) + '/', action: 'skipped', detail: `has ${sql.length} file(s)` });
    else if (firstMigration) write(path.join(dir, 'schema.sql'), FIRST_SCHEMA);
    // The migrations are the project's own: their schema comes from running them, which init does not do.
    else next.push(`npx dbctl schema dump --from-migrations --out ${rel(dir)}/`);
  }

  files.push(ensureLines(cwd, '.gitignore', ['.dbctl/', 'backups/', ...(options.docker ? ['.env'] : [])], '# dbctl: the embedded database and backups'));

  if (!isInstalled(cwd)) next.unshift('npm install --save-dev dbctl kysely');
  if (options.docker) {
    const compose = COMPOSE_FILES.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
    if (compose) files.push({ path: rel(compose), action: 'skipped', detail: 'exists' });
    else write(path.join(cwd, 'compose.yaml'), COMPOSE_TEMPLATE);
    // Settings .env already has win, so an appended DATABASE_URL agrees with them.
    const env = readEnv(path.join(cwd, '.env'));
    const name = databaseName(cwd);
    const lines = envLines({
      database: env.POSTGRES_DB ?? name,
      user: env.POSTGRES_USER ?? name,
      password: env.POSTGRES_PASSWORD ?? randomBytes(18).toString('base64url'),
      port: Number(env.POSTGRES_PORT ?? 5433),
    });
    files.push(ensureEnv(cwd, '.env', lines, ENV_HEADER));
    files.push(ensureEnv(cwd, '.env.example', { ...lines, POSTGRES_PASSWORD: 'change-me', DATABASE_URL: lines.DATABASE_URL.replace(/:[^:@/]*@/, ':${POSTGRES_PASSWORD}@') }, ENV_EXAMPLE_HEADER));
    next.push('docker compose up -d --wait');
  }
  next.push('npx dbctl migrate up && npx dbctl seed');
  return { cwd, files, next, postgres };
}

/**
 * Which major production runs: as given, else the project's compose file's Postgres image, else
 * (with `docker`, when init writes the compose file) the image it writes.
 */
export function postgresVersionFor(cwd: string, options: Pick<InitOptions, 'postgresVersion' | 'docker'>): { version: number; from: string } | null {
  if (options.postgresVersion !== undefined) return { version: options.postgresVersion, from: 'as given to init' };
  const found = composeMajor(cwd, COMPOSE_FILES);
  if (found) return { version: found.major, from: `${found.file} runs ${found.image}` };
  const written = options.docker && !COMPOSE_FILES.some((f) => fs.existsSync(path.join(cwd, f))) ? /image:\s*(\S+)/.exec(COMPOSE_TEMPLATE)?.[1] : undefined;
  const major = written && majorOfImage(written);
  return major ? { version: major, from: `compose.yaml runs ${written}` } : null;
}

function listFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Appends the entries `file` lacks (`.dbctl`, `/.dbctl/` count as `.dbctl/`), creating it if needed. */
function ensureLines(cwd: string, name: string, entries: string[], header: string): InitFile {
  const file = path.join(cwd, name);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const norm = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');
  const present = new Set((current ?? '').split(/\r?\n/).map(norm));
  const missing = entries.filter((e) => !present.has(norm(e)));
  if (missing.length === 0) return { path: name, action: 'skipped', detail: `has ${entries.join(', ')}` };
  const separator = current === undefined || current === '' ? '' : current.endsWith('\n') ? '\n' : '\n\n';
  fs.appendFileSync(file, `${separator}${header}\n${missing.join('\n')}\n`);
  return current === undefined ? { path: name, action: 'created' } : { path: name, action: 'appended', detail: missing.join(', ') };
}

function readEnv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) values[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** Adds the KEY=value lines a .env file does not set yet; never changes a value that is there. */
function ensureEnv(cwd: string, name: string, values: Record<string, string>, header: string): InitFile {
  const file = path.join(cwd, name);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const set = new Set((current ?? '').split(/\r?\n/).map((l) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(l)?.[1]).filter(Boolean));
  const missing = Object.keys(values).filter((k) => !set.has(k));
  if (missing.length === 0) return { path: name, action: 'skipped', detail: `sets ${Object.keys(values).join(', ')}` };
  const body = missing.map((k) => `${k}=${values[k]}`).join('\n') + '\n';
  if (current === undefined) {
    fs.writeFileSync(file, header + body, { mode: name === '.env' ? 0o600 : 0o644 });
    return { path: name, action: 'created' };
  }
  fs.appendFileSync(file, (current === '' || current.endsWith('\n') ? '' : '\n') + body);
  return { path: name, action: 'appended', detail: missing.join(', ') };
}

/** The compose database and user: the project folder's name, as an SQL identifier. */
function databaseName(cwd: string): string {
  const base = path.basename(cwd).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(base) ? base.slice(0, 63) : `app${base ? '_' + base : ''}`.slice(0, 63);
}

/** Whether the project can import dbctl (its config file and seeds do). */
function isInstalled(cwd: string): boolean {
  try {
    createRequire(path.join(cwd, 'package.json')).resolve('dbctl/package.json');
    return true;
  } catch {
    return false;
  }
}
