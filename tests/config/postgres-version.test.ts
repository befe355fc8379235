import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/errors.js';
import { tempProject } from '../helpers/cli.js';

const resolve = (config: unknown) => resolveConfig({ cwd: tempProject({ 'dbctl.config.json': JSON.stringify(config) }), environ: {} });

describe('postgres.version: the production server\'s major', () => {
  it('is resolved as given, and unset when not given', async () => {
    expect((await resolve({ postgres: { version: 16 } })).postgres).toEqual({ version: 16 });
    expect((await resolve({})).postgres).toEqual({ version: undefined });
  });

  it.each([
    [{ postgres: { version: 13 } }, /dbctl\.config\.json: postgres\.version must be a Postgres major version, 14 or newer \(e\.g\. 16\), got 13$/],
    [{ postgres: { version: '16' } }, /postgres\.version must be a Postgres major version, 14 or newer \(e\.g\. 16\), got "16"$/],
    [{ postgres: { version: 16.2 } }, /postgres\.version must be a Postgres major version.*got 16\.2$/],
    [{ postgres: 16 }, /dbctl\.config\.json: postgres must be an object, got 16$/],
    [{ postgres: { versoin: 16 } }, /dbctl\.config\.json: unknown option "postgres\.versoin" \(did you mean "postgres\.version"\?\)$/],
  ])('refuses %j naming the file and the key', async (config, message) => {
    const error = await resolve(config).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });
});
