import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicConfig, resolveConfig } from '../../src/config/resolve.js';
import { withTypegenOptions } from '../../src/typegen/generate.js';
import { tempProject } from '../helpers/cli.js';

/** Which database a command acts on: the precedence, environment files, and the refusals (issue 12). */
describe('the target database', () => {
  const config = (environments: Record<string, unknown>, extra = '') =>
    `export default { ${extra} environments: ${JSON.stringify(environments)} };`;
  const error = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e) => e);

  it('--url > the environment\'s own url > DATABASE_URL > the config\'s url > embedded', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': config({ test: { url: 'postgres://t@h/test' }, staging: {} }, "url: 'postgres://top@h/top',") });
    const env = { DATABASE_URL: 'postgres://dev@h/dev' };
    expect(await resolveConfig({ cwd, env: 'test', url: 'postgres://flag@h/f', environ: env })).toMatchObject({ url: 'postgres://flag@h/f', urlSource: 'flag', urlOrigin: '--url' });
    expect(await resolveConfig({ cwd, env: 'test', environ: env })).toMatchObject({ url: 'postgres://t@h/test', urlSource: 'environment', urlOrigin: 'environments.test.url' });
    expect(await resolveConfig({ cwd, env: 'staging', environ: env })).toMatchObject({ url: 'postgres://dev@h/dev', urlSource: 'env', urlOrigin: 'DATABASE_URL' });
    expect(await resolveConfig({ cwd, env: 'staging', environ: {} })).toMatchObject({ url: 'postgres://top@h/top', urlSource: 'config' });
    const bare = tempProject({});
    expect(await resolveConfig({ cwd: bare, environ: {} })).toMatchObject({ url: undefined, urlSource: 'default', urlOrigin: 'the embedded default' });
  });

  it('an invalid URL is the error of whatever uses the target, even through a copy of the config; `config` still shows it', async () => {
    const resolved = await resolveConfig({ cwd: tempProject({}), url: 'mysql://x/db', environ: {} });
    expect(() => resolved.target).toThrow(/invalid database URL "mysql:\/\/x\/db"/);
    // typegen copies the config with its options: the copy must not lose the target (it was an internal error).
    expect(() => withTypegenOptions(resolved, {}).target).toThrow(/invalid database URL/);
    expect(publicConfig(resolved)).toMatchObject({ url: 'mysql://x/db' });
    expect(publicConfig(resolved)).not.toHaveProperty('target');
  });

  it('a .env DATABASE_URL never beats -e test\'s own url (reset -e test cannot empty the development database)', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': config({ test: { url: 'postgres://t@h/test' } }), '.env': 'DATABASE_URL=postgres://dev@h/dev\n' });
    expect((await resolveConfig({ cwd, env: 'test', environ: {} })).url).toBe('postgres://t@h/test');
    expect((await resolveConfig({ cwd, environ: {} })).url).toBe('postgres://dev@h/dev');
  });

  it('reads .env.<env>.local, .env.<env>, .env.local, .env in that order; the process environment wins', async () => {
    const cwd = tempProject({
      '.env': 'DATABASE_URL=postgres://a@h/env\nDBCTL_ENV=staging\n',
      '.env.local': 'DATABASE_URL=postgres://a@h/local\n',
      '.env.staging': 'DATABASE_URL=postgres://a@h/staging\nDBCTL_LOCK_TIMEOUT=7s\n',
      '.env.staging.local': 'DATABASE_URL=postgres://a@h/staging-local\n',
    });
    const resolved = await resolveConfig({ cwd, environ: {} });
    expect(resolved).toMatchObject({ env: 'staging', envSource: 'DBCTL_ENV', url: 'postgres://a@h/staging-local', urlOrigin: 'DATABASE_URL in .env.staging.local', lockTimeoutMs: 7000 });
    fs.rmSync(path.join(cwd, '.env.staging.local'));
    expect((await resolveConfig({ cwd, environ: {} })).url).toBe('postgres://a@h/staging');
    expect((await resolveConfig({ cwd, env: 'development', environ: {} })).url).toBe('postgres://a@h/local');
    expect((await resolveConfig({ cwd, environ: { DATABASE_URL: 'postgres://a@h/process' } })).url).toBe('postgres://a@h/process');
  });

  it('an environment declared with an empty url (its variable unset) is a config error naming it, unless --url is given', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': 'export default { environments: { production: { url: process.env.NO_SUCH_VARIABLE_X, protected: true } } };' });
    const e = await error(resolveConfig({ cwd, env: 'production', environ: { DATABASE_URL: 'postgres://dev@h/dev' } }));
    expect(e).toMatchObject({ code: 'env_url_empty', exitCode: 2 });
    expect(e.message).toMatch(/environment "production" declares an empty database URL \(environments\.production\.url in dbctl\.config\.ts\)/);
    expect((await resolveConfig({ cwd, env: 'production', url: 'postgres://p@h/p', environ: {} })).url).toBe('postgres://p@h/p');
    // Commands that never open a database (migrate new, seed new) still work.
    expect((await resolveConfig({ cwd, env: 'production', environ: {}, database: false })).url).toBeUndefined();
  });

  it('refuses an environment the config does not declare, naming the declared ones', async () => {
    const cwd = tempProject({ 'dbctl.config.ts': config({ staging: { url: 'postgres://s@h/s' }, production: { url: 'postgres://p@h/p' } }) });
    for (const [overrides, from] of [[{ env: 'prodution' }, '--env'], [{ environ: { NODE_ENV: 'prod' } }, 'NODE_ENV'], [{ environ: { DBCTL_ENV: 'stagin' } }, 'DBCTL_ENV']] as const) {
      const e = await error(resolveConfig({ cwd, environ: {}, ...overrides }));
      expect(e).toMatchObject({ code: 'env_unknown', exitCode: 2, hint: 'declared environments: staging, production' });
      expect(e.message).toContain(`(from ${from})`);
    }
    // dbctl's own names are always accepted.
    for (const env of ['development', 'test', 'production']) expect((await resolveConfig({ cwd, env, environ: {} })).env).toBe(env);
  });

  it('protects production-like names even when undeclared, and never falls back to the embedded database for them', async () => {
    const bare = tempProject({});
    for (const env of ['production', 'prod', 'prodution', 'prd-eu']) {
      expect((await resolveConfig({ cwd: bare, env, environ: { DATABASE_URL: 'postgres://x@h/x' } })).protected).toBe(true);
      const e = await error(resolveConfig({ cwd: bare, env, environ: {} }));
      expect(e).toMatchObject({ code: 'env_no_url', exitCode: 2 });
      expect(e.message).toMatch(new RegExp(`environment "${env}" is protected and names no database`));
    }
    const declared = tempProject({ 'dbctl.config.ts': config({ staging: { protected: true } }) });
    expect((await error(resolveConfig({ cwd: declared, env: 'staging', environ: {} }))).code).toBe('env_no_url');
    expect((await resolveConfig({ cwd: bare, env: 'preview', environ: {} })).protected).toBe(false);
  });

  it('finds the config upward (and in .config/), and resolves paths against its folder', async () => {
    const root = tempProject({ 'dbctl.config.ts': "export default { migrations: { dir: 'db/migrations' } };", 'db/migrations/.keep': '' });
    const sub = path.join(root, 'db/migrations');
    const resolved = await resolveConfig({ cwd: sub, environ: {} });
    expect(resolved).toMatchObject({ cwd: root, configFile: path.join(root, 'dbctl.config.ts'), migrations: { dir: path.join(root, 'db/migrations') } });
    const dotConfig = tempProject({ '.config/dbctl.config.json': '{"seeds":{"dir":"data/seeds"}}', 'src/deep/.keep': '' });
    const found = await resolveConfig({ cwd: path.join(dotConfig, 'src/deep'), environ: {} });
    expect(found).toMatchObject({ cwd: dotConfig, seeds: { dir: path.join(dotConfig, 'data/seeds') } });
  });
});
