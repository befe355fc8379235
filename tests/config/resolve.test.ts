import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/errors.js';
import { tempProject } from '../helpers/cli.js';

describe('resolveConfig', () => {
  const file = `export default {
    url: 'postgres://base@h/base',
    lockTimeout: '30s',
    environments: { staging: { url: 'postgres://stage:pw@h/stage', protected: true }, production: { url: 'postgres://p@h/p' } },
  };`;

  it('chooses the environment from --env, then DBCTL_ENV, then NODE_ENV, then development', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': file });
    expect((await resolveConfig({ cwd, environ: {} })).env).toBe('development');
    expect((await resolveConfig({ cwd, environ: { NODE_ENV: 'test' } })).envSource).toBe('NODE_ENV');
    expect((await resolveConfig({ cwd, environ: { NODE_ENV: 'test', DBCTL_ENV: 'staging' } })).env).toBe('staging');
    expect((await resolveConfig({ cwd, env: 'production', environ: { DBCTL_ENV: 'staging' } })).envSource).toBe('flag');
  });

  it('applies flags > environment variables > config file > defaults', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': file, '.env': 'DATABASE_URL=postgres://dotenv@h/d\n' });
    const fromFile = await resolveConfig({ cwd, environ: {} });
    expect(fromFile.urlSource).toBe('env'); // .env counts as environment, over the config's top-level url
    expect(fromFile.url).toBe('postgres://dotenv@h/d');
    expect((await resolveConfig({ cwd, env: 'staging', environ: {} })).urlSource).toBe('environment'); // the environment's own url wins
    const real = await resolveConfig({ cwd, environ: { DATABASE_URL: 'postgres://real@h/r' } });
    expect(real.url).toBe('postgres://real@h/r');
    const flag = await resolveConfig({ cwd, url: 'postgres://flag@h/f', environ: { DATABASE_URL: 'postgres://real@h/r' } });
    expect(flag.urlSource).toBe('flag');
    const cwd2 = tempProject({ 'dbctl.config.ts': file });
    const staging = await resolveConfig({ cwd: cwd2, env: 'staging', environ: {} });
    expect(staging).toMatchObject({ url: 'postgres://stage:pw@h/stage', urlSource: 'environment', protected: true, lockTimeoutMs: 30_000 });
    expect((await resolveConfig({ cwd: cwd2, env: 'staging', lockTimeout: '2s', environ: { DBCTL_LOCK_TIMEOUT: '9s' } })).lockTimeoutMs).toBe(2000);
    expect((await resolveConfig({ cwd: cwd2, env: 'staging', environ: { DBCTL_LOCK_TIMEOUT: '9s' } })).lockTimeoutMs).toBe(9000);
  });

  it('protects production by default', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': file });
    expect((await resolveConfig({ cwd, env: 'production', environ: {} })).protected).toBe(true);
    expect((await resolveConfig({ cwd, env: 'development', environ: {} })).protected).toBe(false);
  });

  it('loads .json and .mjs configs and rejects unknown keys naming the file', async () => {
    const json = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'db/migrations' } }) });
    expect((await resolveConfig({ cwd: json, environ: {} })).migrations.dir).toBe(`${json}/db/migrations`);
    const bad = tempProject({ 'dbctl.config.mjs': 'export default { migratons: {} }' });
    await expect(resolveConfig({ cwd: bad, environ: {} })).rejects.toThrow(/dbctl\.config\.mjs: unknown option "migratons"/);
    const broken = tempProject({ 'dbctl.config.ts': 'export default {' });
    await expect(resolveConfig({ cwd: broken, environ: {} })).rejects.toThrow(/cannot load dbctl\.config\.ts/);
  });

  it('names the file and the key of a value of the wrong type, or an unknown nested key', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ migrations: { dir: 5 } }, /dbctl\.config\.json: migrations\.dir must be a string, got 5$/],
      [{ migrations: { dirr: 'x' } }, /dbctl\.config\.json: unknown option "migrations\.dirr" \(did you mean "migrations\.dir"\?\)$/],
      [{ migratons: {} }, /dbctl\.config\.json: unknown option "migratons" \(did you mean "migrations"\?\)$/],
      [{ lockTimeOut: 5 }, /unknown option "lockTimeOut" \(did you mean "lockTimeout"\?\)$/],
      [{ typegen: { camelcase: true } }, /unknown option "typegen\.camelcase" \(did you mean "typegen\.camelCase"\?\)$/],
      [{ migrations: { color: 'x' } }, /unknown option "migrations\.color"$/],
      // Every unknown key of a level in one line, not the first only (fixing one showed the next).
      [{ migratons: {}, lockTimeOut: 5, colour: 1 }, /unknown options "migratons" \(did you mean "migrations"\?\), "lockTimeOut" \(did you mean "lockTimeout"\?\), "colour"$/],
      [{ seeds: { seed: '42' } }, /seeds\.seed must be a whole number, got "42"$/],
      [{ environments: { staging: { protected: 'yes' } } }, /environments\.staging\.protected must be true or false, got "yes"$/],
      [{ environments: { staging: 'postgres://x' } }, /environments\.staging must be an object, got "postgres:\/\/x"$/],
      [{ reset: { keep: 'audit' } }, /reset\.keep must be a list of strings, got "audit"$/],
      [{ lockTimeout: true }, /lockTimeout must be a duration \(milliseconds, or text such as "30s"\), got true$/],
      [{ typegen: [] }, /typegen must be an object, got a list$/],
      // A value of the right type that cannot be used is named on load too, for every number and
      // duration the file can hold (issue 29: `poolSize: 0` ran, a bad duration blamed a flag).
      [{ connectTimeout: 'forever' }, /dbctl\.config\.json: connectTimeout must be a duration .*, got "forever"$/],
      [{ lockTimeout: '-1s' }, /lockTimeout must be a duration .*, got "-1s"$/],
      [{ statementTimeout: -5 }, /statementTimeout must be a duration .*, got -5$/],
      [{ environments: { staging: { ddlLockTimeout: 'soon' } } }, /environments\.staging\.ddlLockTimeout must be a duration .*, got "soon"$/],
      [{ poolSize: 0 }, /poolSize must be a whole number of 1 or more, got 0$/],
      [{ poolSize: -2 }, /poolSize must be a whole number of 1 or more, got -2$/],
      [{ poolSize: 1.5 }, /poolSize must be a whole number of 1 or more, got 1\.5$/],
      [{ environments: { staging: { scale: 0 } } }, /environments\.staging\.scale must be a whole number of 1 or more, got 0$/],
      [{ lint: { largeTableRows: -1 } }, /lint\.largeTableRows must be a whole number of 0 or more, got -1$/],
      [{ lint: { rules: { 'renaming-column': 'fatal' } } }, /lint\.rules\.renaming-column must be 'off', 'warn' or 'error', got "fatal"$/],
    ];
    for (const [config, message] of cases) {
      const cwd = tempProject({ 'dbctl.config.json': JSON.stringify(config) });
      const error = await resolveConfig({ cwd, environ: {} }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(message);
    }
    const nested = await resolveConfig({ cwd: tempProject({ 'dbctl.config.json': '{"migrations":{"dirr":"x"}}' }), environ: {} }).catch((e) => e);
    expect(nested.hint).toMatch(/known options in migrations: dir, schema, table/);
  });
});

describe('a bad duration names where it came from', () => {
  it.each([
    ['DBCTL_CONNECT_TIMEOUT', 'abc'],
    ['DBCTL_LOCK_TIMEOUT', '-5s'],
    ['DBCTL_DDL_LOCK_TIMEOUT', 'soon'],
    ['DBCTL_STATEMENT_TIMEOUT', '5x'],
  ])('%s=%s', async (name, value) => {
    const error = await resolveConfig({ cwd: tempProject({}), environ: { [name]: value } }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`invalid duration for ${name}: "${value}"`);
  });
});

describe('parseDuration', () => {
  it('accepts ms, s, m, h, d and plain numbers', () => {
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('5s', 'x')).toBe(5000);
    expect(parseDuration('2m', 'x')).toBe(120_000);
    expect(parseDuration('7d', 'x')).toBe(604_800_000);
    expect(parseDuration(250, 'x')).toBe(250);
  });

  it('names the option in its error', () => {
    expect(() => parseDuration('soon', '--lock-timeout')).toThrow(/--lock-timeout: "soon"/);
  });
});
