import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { importWithJiti, loadUserFile } from '../loader.js';
import type { DbctlConfig } from './define.js';
import { cachedConfigPath, importCachedConfig, writeConfigCache } from './config-cache.js';
import { settleConfig } from './settle.js';
import { validateConfig } from './validate.js';

export const CONFIG_FILES = ['dbctl.config.ts', 'dbctl.config.mts', 'dbctl.config.mjs', 'dbctl.config.js', 'dbctl.config.json'];

export interface LoadedConfigFile {
  file: string | null;
  config: DbctlConfig;
  /**
   * The project folder: where the config file is (its parent when the file is in `.config/`), or
   * `cwd` when there is none. Relative paths in the config, `.env` files and the embedded database
   * all resolve against it, so `cd migrations && dbctl migrate up` means the same as from the root.
   */
  root: string;
}

/**
 * Finds the config file (the one named, or the nearest `dbctl.config.*` searching upward from `cwd`,
 * also in each folder's `.config/`) and loads it. TS is loaded with jiti, no build step.
 */
export async function loadConfigFile(cwd: string, explicit?: string, timeoutMs = 60_000): Promise<LoadedConfigFile> {
  const file = explicit ? path.resolve(cwd, explicit) : findConfigFile(cwd);
  if (!file) return { file: null, config: {}, root: cwd };
  if (!fs.existsSync(file)) throw new ConfigError(`config file ${explicit} not found`, { hint: 'check --config / DBCTL_CONFIG' }, 'config_missing');
  const folder = path.dirname(file);
  const root = path.basename(folder) === '.config' ? path.dirname(folder) : folder;
  return { file, config: await settleConfig(importConfig(cwd, file, root), path.relative(cwd, file) || file, timeoutMs), root };
}

/** A TS config from its cached transpilation; else through the loader, caching what it read. */
async function importTsConfig(file: string, root: string): Promise<unknown> {
  const source = fs.readFileSync(file, 'utf8');
  const cached = cachedConfigPath(file, root, source);
  // A cached copy that throws is loaded again through jiti, whose error names the config's own lines.
  const loaded = await importCachedConfig(cached).catch(() => undefined);
  if (loaded !== undefined) return loaded;
  const fresh = await importWithJiti(file, { fresh: true, default: true });
  await writeConfigCache(cached, source, file);
  return fresh;
}

function findConfigFile(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    for (const folder of [dir, path.join(dir, '.config')]) {
      const found = CONFIG_FILES.map((f) => path.join(folder, f)).find((f) => fs.existsSync(f));
      if (found) return found;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function importConfig(cwd: string, file: string, root: string): Promise<DbctlConfig> {
  let loaded = await loadUserFile(file, {
    cwd,
    load: file.endsWith('.json') ? async () => JSON.parse(fs.readFileSync(file, 'utf8')) : /\.m?ts$/.test(file) ? () => importTsConfig(file, root) : undefined,
    fail: (failure, cause) => new ConfigError(`cannot load ${failure.where}: ${failure.reason}`, { cause, failureReport: failure.excerpt }, 'config_load'),
  });
  if (typeof loaded === 'function') loaded = await (loaded as () => unknown)();
  if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
    throw new ConfigError(`${path.relative(cwd, file)} must export a configuration object (use defineConfig({...}))`);
  }
  validateConfig(loaded as Record<string, unknown>, path.relative(cwd, file) || file);
  return loaded as DbctlConfig;
}
