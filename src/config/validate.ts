import { ConfigError } from '../errors.js';

/**
 * The shape of a config file, checked when it is loaded: a wrong type or an unknown key anywhere is
 * one line naming the file and the key (`migrations.dir must be a string, got 5`), instead of a
 * failure deep inside a command. Hand-written rather than a schema library: it runs on every
 * command, and the whole shape is this table.
 */
type Check = 'string' | 'boolean' | 'integer' | 'number' | 'duration' | 'strings' | 'levels' | Shape | { each: Shape };
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
  scale: 'number',
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
  schema: { out: 'string' },
  // Rule names are checked by the linter, which knows them (src/lint/rules.ts).
  lint: { rules: 'levels', largeTableRows: 'integer' },
  reset: { schemas: 'strings', keep: 'strings' },
  environments: { each: ENVIRONMENT },
  productionHosts: 'strings',
  connectTimeout: 'duration',
  statementTimeout: 'duration',
  lockTimeout: 'duration',
  ddlLockTimeout: 'duration',
  poolSize: 'integer',
};

/** Throws a ConfigError naming `file` and the first key that does not fit the shape. */
export function validateConfig(value: Record<string, unknown>, file: string, shape: Shape = CONFIG_SHAPE, prefix = ''): void {
  for (const [key, v] of Object.entries(value)) {
    const name = `${prefix}${key}`;
    const check = shape[key];
    if (!check) {
      throw new ConfigError(`${file}: unknown option "${name}"`, { hint: `known options${prefix ? ` in ${prefix.slice(0, -1)}` : ''}: ${Object.keys(shape).join(', ')}` });
    }
    if (v === undefined) continue;
    const wrong = (expected: string) => new ConfigError(`${file}: ${name} must be ${expected}, got ${describe(v)}`);
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
      : check === 'number' ? typeof v === 'number' && Number.isFinite(v)
      : check === 'duration' ? (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string'
      : check === 'levels' ? isPlainObject(v) && Object.values(v).every((l) => l === 'off' || l === 'warn' || l === 'error')
      : Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!ok) throw wrong(EXPECTED[check]);
  }
}

const EXPECTED: Record<Exclude<Check, object>, string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  duration: 'a duration (milliseconds, or text such as "30s")',
  strings: 'a list of strings',
  levels: "an object of rule names to 'off', 'warn' or 'error'",
};

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
