import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { parseTarget } from '../../src/driver/url.js';
import { assertDestructiveAllowed, confirmName, matchProductionHost, type GuardInput } from '../../src/guard/index.js';
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

  it('asks at the prompt when there is one, and --confirm wins over it', async () => {
    const production = await config('production');
    const questions: string[] = [];
    const answer = (text: string) => async (q: string) => (questions.push(q), text);
    expect(await outcome({ config: production, target: app, force: true, prompt: answer(' app\n') })).toBe('allowed');
    expect(questions[0]).toBe('environment "production" is protected: reset would change database "app" (db.internal:5432/app).\nType the database name to confirm: ');
    expect(await outcome({ config: production, target: app, force: true, prompt: answer('nope') })).toBe('confirm_mismatch');
    expect(await outcome({ config: production, target: app, force: true, confirm: 'app', prompt: answer('nope') })).toBe('allowed');
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

  it('names an embedded database by its directory', () => {
    expect(confirmName(parseTarget('pglite://data/shop', '/srv'))).toBe('shop');
    expect(confirmName(parseTarget(undefined, '/srv'))).toBe('pglite');
    expect(confirmName(parseTarget('pglite://memory', '/srv'))).toBe('memory');
  });
});
