import { ConfigError } from '../errors.js';
import { closest } from './closest.js';
import { validateCopyConfig } from './copy.js';
import { parseDuration } from './duration.js';

/**
 * The shape of a config file, checked when it is loaded: a wrong type or an unknown key anywhere is
 * one line naming the file and the key (`migrations.dir must be a string, got 5`), instead of a
 * failure deep inside a command. Hand-written rather than a schema library: it runs on every
 * command, and the whole shape is this table.
 */
type Check = 'string' | 'boolean' | 'integer' | 'major' | 'positive' | 'natural' | 'number' | 'duration' | 'strings' | 'levels' | 'values' | 'fleets' | 'copy' | Shape | { each: Shape };
interface Shape {
  [key: string]: Check;
}

const ENVIRONMENT: Shape = {
  url: 'string',
  protected: 'boolean',
  connectTimeout: 'duration',
  statementTimeout: 'duration',
  lockTimeout: 'duration',
  ddlLockTimeout: 'duration',
  seed: 'integer',
  scale: 'positive',
  placeholders: 'values',
};

export const CONFIG_SHAPE: Shape = {
  url: 'string',
  migrations: {
    dir: 'string',
    schema: 'string',
    table: 'string',
    lockTable: 'string',
    historyTable: 'string',
    allowUnordered: 'boolean',
    template: 'string',
    sqlTemplate: 'string',
  },
  seeds: { dir: 'string', seed: 'integer' },
  fixtures: { dir: 'string' },
  typegen: {
    out: 'string',
    camelCase: 'boolean',
    includePattern: 'string',
    excludePattern: 'string',
    schemas: 'strings',
    runtimeEnums: 'boolean',
    vectorType: 'string',
    afterMigrate: 'boolean',
  },
  backups: { dir: 'string', pgDump: 'string', pgRestore: 'string', psql: 'string' },
  testdb: { prefix: 'string' },
  schema: { out: 'string', dir: 'string' },
  // Rule names are checked by the linter, which knows them (src/lint/rules.ts).
  lint: { rules: 'levels', largeTableRows: 'natural' },
  reset: { schemas: 'strings', keep: 'strings' },
  environments: { each: ENVIRONMENT },
  fleets: 'fleets',
  copy: 'copy',
  productionHosts: 'strings',
  connectTimeout: 'duration',
  statementTimeout: 'duration',
  lockTimeout: 'duration',
  ddlLockTimeout: 'duration',
  poolSize: 'positive',
  postgres: { version: 'major' },
  placeholders: 'values',
};

/**
 * Throws a ConfigError naming `file` and what does not fit the shape: every unknown key of a level
 * at once (fixing one typo should not reveal the next), else the first key of the wrong type.
 */
export function validateConfig(value: Record<string, unknown>, file: string, shape: Shape = CONFIG_SHAPE, prefix = ''): void {
  const unknown = Object.keys(value).filter((key) => !shape[key]);
  if (unknown.length) {
    const named = unknown.map((key) => {
      const meant = closest(key, Object.keys(shape));
      return `"${prefix}${key}"${meant ? ` (did you mean "${prefix}${meant}"?)` : ''}`;
    });
    throw new ConfigError(`${file}: unknown option${unknown.length > 1 ? 's' : ''} ${named.join(', ')}`, { hint: `known options${prefix ? ` in ${prefix.slice(0, -1)}` : ''}: ${Object.keys(shape).join(', ')}`, data: { unknown: unknown.map((key) => `${prefix}${key}`) } });
  }
  for (const [key, v] of Object.entries(value)) {
    const name = `${prefix}${key}`;
    const check = shape[key];
    if (v === undefined) continue;
    const wrong = (expected: string) => new ConfigError(`${file}: ${name} must be ${expected}, got ${describe(v)}`);
    if (check === 'fleets') {
      validateFleets(v, file, name);
      continue;
    }
    if (check === 'copy') {
      validateCopyConfig(v, file);
      continue;
    }
    if (typeof check === 'object') {
      if (!isPlainObject(v)) throw wrong('an object');
      if ('each' in check && isShape(check.each)) {
        for (const [entry, inner] of Object.entries(v)) {
          if (!isPlainObject(inner)) throw new ConfigError(`${file}: ${name}.${entry} must be an object, got ${describe(inner)}`);
          validateConfig(inner, file, check.each, `${name}.${entry}.`);
        }
      } else validateConfig(v, file, check as Shape, `${name}.`);
      continue;
    }
    const ok =
      check === 'string' ? typeof v === 'string'
      : check === 'boolean' ? typeof v === 'boolean'
      : check === 'integer' ? Number.isSafeInteger(v)
      : check === 'major' ? Number.isSafeInteger(v) && (v as number) >= 14
      : check === 'number' ? typeof v === 'number' && Number.isFinite(v)
      : check === 'positive' ? Number.isSafeInteger(v) && (v as number) > 0
      : check === 'natural' ? Number.isSafeInteger(v) && (v as number) >= 0
      : check === 'duration' ? isDuration(v)
      : check === 'levels' || check === 'values' ? isPlainObject(v)
      : Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!ok) throw wrong(EXPECTED[check]);
    if (check === 'levels') {
      const [rule, level] = Object.entries(v as object).find(([, l]) => l !== 'off' && l !== 'warn' && l !== 'error') ?? [];
      if (rule !== undefined) throw new ConfigError(`${file}: ${name}.${rule} must be 'off', 'warn' or 'error', got ${describe(level)}`);
    }
    // An empty path, schema or prefix is not "the default" (`dir: ''` would be the project folder,
    // `prefix: ''` would make every database a test database). The database URLs are refused where
    // they are used, naming the environment (resolve.ts), so a command that opens none still runs.
    const blank = (s: unknown) => typeof s === 'string' && s.trim() === '';
    const isUrl = name === 'url' || /^environments\.[^.]+\.url$/.test(name);
    if ((check === 'string' && blank(v) && !isUrl) || (check === 'strings' && (v as unknown[]).some(blank))) {
      throw new ConfigError(`${file}: ${name} ${check === 'string' ? 'is empty' : 'holds an empty entry'}: is the variable it reads unset?`, { hint: `give it a value, or remove ${name} for the default` });
    }
  }
}

const EXPECTED: Record<Exclude<Check, object>, string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  major: 'a Postgres major version, 14 or newer (e.g. 16)',
  positive: 'a whole number of 1 or more',
  natural: 'a whole number of 0 or more',
  number: 'a number',
  duration: 'a duration (milliseconds, or text such as "30s")',
  strings: 'a list of strings',
  levels: "an object of rule names to 'off', 'warn' or 'error'",
  fleets: 'an object of fleet names to fleets',
  copy: 'an object (see docs/configuration.md)',
  values: 'an object of names to values (strings, numbers, booleans, or objects of them)',
};

const FLEET_SHAPES: Array<[string, Shape]> = [
  ['server', { server: 'string', databases: 'string', exclude: 'string' }],
  ['url', { url: 'string', schemas: 'string', exclude: 'string', searchPath: 'strings' }],
  ['module', { module: 'string' }],
];
const FLEET_FORMS = 'a list of URLs, { server, databases }, { url, schemas }, { module } or a function';

/** `fleets.<name>`: one of the forms of FleetConfig (src/config/define.ts). */
function validateFleets(value: unknown, file: string, name: string): void {
  if (!isPlainObject(value)) throw new ConfigError(`${file}: ${name} must be an object of fleet names to fleets, got ${describe(value)}`);
  for (const [fleet, v] of Object.entries(value)) {
    const key = `${name}.${fleet}`;
    if (typeof v === 'function') continue;
    if (Array.isArray(v)) {
      v.forEach((t, i) => {
        const ok = typeof t === 'string' || (isPlainObject(t) && typeof t.url === 'string' && Object.keys(t).every((k) => ['url', 'schema', 'name'].includes(k)) && ['schema', 'name'].every((k) => t[k] === undefined || typeof t[k] === 'string'));
        if (!ok) throw new ConfigError(`${file}: ${key}[${i}] must be a URL or { url, schema?, name? }, got ${describe(t)}`);
      });
      continue;
    }
    const form = isPlainObject(v) ? FLEET_SHAPES.find(([k]) => k in v && !(k === 'url' && !('schemas' in v))) : undefined;
    if (!form) throw new ConfigError(`${file}: ${key} must be ${FLEET_FORMS}, got ${describe(v)}`);
    const required = Object.keys(form[1]).filter((k) => !['exclude', 'searchPath'].includes(k));
    const missing = required.find((k) => (v as Record<string, unknown>)[k] === undefined);
    if (missing) throw new ConfigError(`${file}: ${key}.${missing} is missing (a fleet of the ${form[0]} form needs ${required.join(', ')})`);
    validateConfig(v as Record<string, unknown>, file, form[1], `${key}.`);
  }
}

/** Milliseconds (0 or more), or text `parseDuration` reads: `"forever"` or `"-1s"` is refused on load. */
function isDuration(v: unknown): boolean {
  if (typeof v !== 'number' && typeof v !== 'string') return false;
  try {
    parseDuration(v, '');
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isShape(v: unknown): v is Shape {
  return isPlainObject(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
