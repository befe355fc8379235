import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { parseTarget } from '../../src/driver/target.js';
import { assertDestructiveAllowed, confirmName, findProductionHost, matchProductionHost, type GuardInput, type HostLookup } from '../../src/guard/index.js';
import { tempProject } from '../helpers/cli.js';

const APP_URL = 'postgres://u:secret@db.internal:5432/app';
const config = (env: string, file: object = {}) =>
  resolveConfig({ cwd: tempProject({ 'dbctl.config.json': JSON.stringify(file) }), env, environ: { DATABASE_URL: APP_URL } });
const app = parseTarget(APP_URL, '/');

/** The refusal's code, or 'allowed'. */
async function outcome(input: Omit<GuardInput, 'operation'>): Promise<string> {
  try {
    await assertDestructiveAllowed({ operation: 'reset', ...input });
    return 'allowed';
  } catch (error) {
    const e = error as { code: string; exitCode: number };
    expect(e.exitCode).toBe(5);
    return e.code;
  }
}

describe('productionHosts patterns', () => {
  it.each([
    ['db.prod.example.com', ['*.prod.example.com'], '*.prod.example.com'],
    ['DB.PROD.example.com', ['*.prod.example.com'], '*.prod.example.com'],
    ['prod.example.com', ['*.prod.example.com'], undefined],
    ['db-prod-3', ['staging', 'db-prod-*'], 'db-prod-*'],
    ['10.0.4.2', ['10.0.*'], '10.0.*'],
    ['10.00.4.2', ['10.0.*'], undefined],
    ['myprod', ['prod'], undefined],
  ])('%s against %j', (host, patterns, expected) => {
    expect(matchProductionHost(host, patterns)).toBe(expected);
  });
});

/** A resolver from a table (names not in it do not resolve), counting its calls. */
function table(entries: Record<string, string[]>): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(async (host: string) => (calls.push(host), entries[host] ?? (/^[\d.]+$|:/.test(host) ? [host] : undefined)), { calls });
}

describe('productionHosts by address as well as spelling (the system resolver)', () => {
  // Every spelling of this machine's loopback, both ways round: configured, and written in the URL.
  const loopback = ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.0.0.2', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'];
  it.each(loopback.flatMap((host) => loopback.map((pattern) => [host, pattern])))('%s is %s', async (host, pattern) => {
    expect(await findProductionHost(host, [pattern])).toMatchObject({ pattern });
  });

  it('says which address matched, and lets another host through', async () => {
    expect(await findProductionHost('localhost', ['127.0.0.1'])).toEqual({ pattern: '127.0.0.1', address: 'loopback' });
    expect(await findProductionHost('localhost', ['localhost'])).toEqual({ pattern: 'localhost' });
    expect(await findProductionHost('localhost', ['10.0.0.1', 'db.prod.invalid'])).toBeUndefined();
    expect(await findProductionHost('192.0.2.7', ['127.0.0.1', '*.invalid'])).toBeUndefined();
  });
});

describe('productionHosts by address (a resolver from a table)', () => {
  const dns = { 'db-1': ['10.0.4.2'], 'db-prod': ['10.0.4.2', '10.0.4.3'], 'replica': ['10.0.9.9'] };

  it('compares every address of both hosts, and * patterns with the addresses too', async () => {
    expect(await findProductionHost('db-1', ['db-prod'], table(dns))).toEqual({ pattern: 'db-prod', address: '10.0.4.2' });
    expect(await findProductionHost('10.0.4.3', ['db-prod'], table(dns))).toEqual({ pattern: 'db-prod', address: '10.0.4.3' });
    expect(await findProductionHost('db-prod', ['10.0.4.3'], table(dns))).toEqual({ pattern: '10.0.4.3', address: '10.0.4.3' });
    expect(await findProductionHost('db-1', ['10.0.*'], table(dns))).toEqual({ pattern: '10.0.*', address: '10.0.4.2' });
    expect(await findProductionHost('replica', ['db-prod', '10.0.4.*'], table(dns))).toBeUndefined();
  });

  it('fails safe: a spelling match needs no resolver, and a host that does not resolve is compared by spelling', async () => {
    const none = table({});
    expect(await findProductionHost('DB-Prod.', ['db-prod'], none)).toEqual({ pattern: 'db-prod' });
    expect(none.calls).toEqual([]);
    expect(await findProductionHost('db-1', ['db-prod'], none)).toBeUndefined();
    // The configured host does not resolve: its spelling still compares with the target's addresses.
    expect(await findProductionHost('db-1', ['10.0.4.2'], table({ 'db-1': ['10.0.4.2'] }))).toMatchObject({ pattern: '10.0.4.2' });
    expect(await findProductionHost('db-1', ['nowhere'], table({ 'db-1': ['10.0.4.2'] }))).toBeUndefined();
    // No productionHosts: nothing is resolved.
    const unused = table(dns);
    expect(await findProductionHost('db-1', [], unused)).toBeUndefined();
    expect(unused.calls).toEqual([]);
  });
});

describe('assertDestructiveAllowed', () => {
  it('lets an unprotected environment through', async () => {
    expect(await outcome({ config: await config('development'), target: app })).toBe('allowed');
  });

  it('refuses production without --force, or forced without confirmation, or with the wrong name', async () => {
    const production = await config('production');
    expect(await outcome({ config: production, target: app })).toBe('protected');
    expect(await outcome({ config: production, target: app, confirm: 'app' })).toBe('protected');
    expect(await outcome({ config: production, target: app, force: true })).toBe('not_confirmed');
    expect(await outcome({ config: production, target: app, force: true, confirm: 'App' })).toBe('confirm_mismatch');
    expect(await outcome({ config: production, target: app, force: true, confirm: 'app' })).toBe('allowed');
  });

  it('asks when `confirm` is a prompt, only once forced', async () => {
    const production = await config('production');
    const questions: string[] = [];
    const answer = (text: string) => async (q: string) => (questions.push(q), text);
    expect(await outcome({ config: production, target: app, force: true, confirm: answer(' app\n') })).toBe('allowed');
    expect(questions[0]).toBe('environment "production" is protected: reset would change database "app" (db.internal:5432/app).\nType the database name to confirm: ');
    expect(await outcome({ config: production, target: app, force: true, confirm: answer('nope') })).toBe('confirm_mismatch');
    // Without force the prompt is not asked: a protected environment refuses first.
    expect(await outcome({ config: production, target: app, confirm: answer('app') })).toBe('protected');
    expect(questions).toHaveLength(2);
  });

  it('follows each environment\'s `protected` setting', async () => {
    const file = { environments: { staging: { protected: true }, production: { protected: false } } };
    expect(await outcome({ config: await config('staging', file), target: app })).toBe('protected');
    expect(await outcome({ config: await config('production', file), target: app })).toBe('allowed');
  });

  it('refuses a production host in an unprotected environment, even forced', async () => {
    const file = { productionHosts: ['*.internal'] };
    const dev = await config('development', file);
    expect(await outcome({ config: dev, target: app, force: true, confirm: 'app' })).toBe('production_host');
    const error = await assertDestructiveAllowed({ config: dev, target: app, operation: 'db drop' }).catch((e) => e);
    expect(error.message).toBe('db drop refused: host "db.internal" matches productionHosts pattern "*.internal" but environment "development" is not protected (database "app" (db.internal:5432/app))');
    expect(error.hint).toMatch(/--env production/);
    expect(error.message + error.hint).not.toContain('secret');
    // A protected environment on that host goes through the usual confirmation.
    expect(await outcome({ config: await config('production', file), target: app, force: true, confirm: 'app' })).toBe('allowed');
  });

  it('checks the host the connection opens: ?host= over the URL\'s host, PGHOST when the URL has none', async () => {
    // `postgres://u@elsewhere/app?host=db.internal` connects to db.internal: the guard once checked
    // "elsewhere" and let a seed through to the production host.
    const dev = await config('development', { productionHosts: ['*.internal'] });
    expect(await outcome({ config: dev, target: parseTarget('postgres://u:secret@elsewhere.example:5432/app?host=db.internal', '/'), force: true, confirm: 'app' })).toBe('production_host');
    const saved = process.env.PGHOST;
    process.env.PGHOST = 'db.internal';
    try {
      expect(await outcome({ config: dev, target: parseTarget('postgres:///app', '/'), force: true, confirm: 'app' })).toBe('production_host');
    } finally {
      if (saved === undefined) delete process.env.PGHOST;
      else process.env.PGHOST = saved;
    }
  });

  it('refuses `localhost` when productionHosts names 127.0.0.1 (and the other way round), saying why', async () => {
    const dev = await config('development', { productionHosts: ['127.0.0.1'] });
    const local = parseTarget('postgres://u:secret@localhost:5432/app', '/');
    const error = await assertDestructiveAllowed({ config: dev, target: local, operation: 'reset' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'production_host', exitCode: 5 });
    expect(error.message).toBe('reset refused: host "localhost" matches productionHosts pattern "127.0.0.1" (both are this machine: loopback) but environment "development" is not protected (database "app" (localhost:5432/app))');
    const byName = await config('development', { productionHosts: ['localhost'] });
    expect(await outcome({ config: byName, target: parseTarget('postgres://u@[::1]:5432/app', '/'), force: true, confirm: 'app' })).toBe('production_host');
    // A protected environment still goes through the confirmation; the table's resolver is used when given.
    expect(await outcome({ config: await config('production', { productionHosts: ['127.0.0.1'] }), target: local, force: true, confirm: 'app' })).toBe('allowed');
    const lookup = table({ 'db.internal': ['10.1.1.1'], 'primary.prod': ['10.1.1.1'] });
    expect(await outcome({ config: await config('development', { productionHosts: ['primary.prod'] }), target: app, lookup })).toBe('production_host');
  });

  it('refuses a URL given by hand that reaches a protected environment\'s database, even forced and spelled otherwise', async () => {
    // `dbctl --url "$PROD_URL" reset` with the environment left at development: the URL is the
    // one environments.production declares, so the run is production's, whatever the env says.
    const file = { environments: { development: {}, production: { url: 'postgres://u:secret@127.0.0.1:5432/app' }, staging: { url: 'postgres://u@127.0.0.1:5432/staging', protected: false } } };
    const dev = await config('development', file);
    const error = await assertDestructiveAllowed({ config: dev, target: parseTarget('postgres://other:pw@localhost:5432/app', '/'), operation: 'reset', force: true, confirm: 'app' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'protected_database', exitCode: 5 });
    expect(error.message).toBe('reset refused: database "app" (localhost:5432/app) is environment "production"\'s database, which is protected, but environment "development" is not');
    expect(error.hint).toBe('if you really mean it, run with --env production and --force --confirm app');
    expect(error.message + error.hint).not.toContain('secret');
    // Another database on that server, an unprotected environment's database, and production itself go their usual ways.
    expect(await outcome({ config: dev, target: parseTarget('postgres://u@127.0.0.1:5432/app_dev', '/') })).toBe('allowed');
    expect(await outcome({ config: dev, target: parseTarget('postgres://u@127.0.0.1:5432/staging', '/') })).toBe('allowed');
    expect(await outcome({ config: dev, target: parseTarget('postgres://u@127.0.0.1:5433/app', '/') })).toBe('allowed');
    expect(await outcome({ config: await config('production', file), target: parseTarget('postgres://u@localhost:5432/app', '/'), force: true, confirm: 'app' })).toBe('allowed');
    // Embedded: a protected environment's directory is guarded the same way.
    const embedded = await config('development', { environments: { production: { url: 'pglite://.dbctl/prod' } } });
    expect(await outcome({ config: embedded, target: parseTarget('pglite://.dbctl/prod', embedded.cwd) })).toBe('protected_database');
  });

  it('names an embedded database by its directory', () => {
    expect(confirmName(parseTarget('pglite://data/shop', '/srv'))).toBe('shop');
    expect(confirmName(parseTarget(undefined, '/srv'))).toBe('pglite');
    expect(confirmName(parseTarget('pglite://memory', '/srv'))).toBe('memory');
  });
});
