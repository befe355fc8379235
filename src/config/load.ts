import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError } from '../errors.js';
import type { DbctlConfig } from './define.js';
import { validateConfig } from './validate.js';

export const CONFIG_FILES = ['dbctl.config.ts', 'dbctl.config.mts', 'dbctl.config.mjs', 'dbctl.config.js', 'dbctl.config.json'];

export interface LoadedConfigFile {
  file: string | null;
  config: DbctlConfig;
}

/** Finds and loads the config file in `cwd` (or the one named). TS is loaded with jiti, no build step. */
export async function loadConfigFile(cwd: string, explicit?: string): Promise<LoadedConfigFile> {
  const file = explicit ? path.resolve(cwd, explicit) : CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
  if (!file) return { file: null, config: {} };
  if (!fs.existsSync(file)) throw new ConfigError(`config file ${explicit} not found`);
  let loaded: unknown;
  try {
    if (file.endsWith('.json')) {
      loaded = JSON.parse(fs.readFileSync(file, 'utf8'));
    } else {
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: true });
      loaded = await jiti.import(file, { default: true });
    }
  } catch (error) {
    throw new ConfigError(`cannot load ${path.relative(cwd, file) || file}: ${firstLine(error)}`, { cause: error });
  }
  if (typeof loaded === 'function') loaded = await (loaded as () => unknown)();
  if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
    throw new ConfigError(`${path.relative(cwd, file)} must export a configuration object (use defineConfig({...}))`);
  }
  validateConfig(loaded as Record<string, unknown>, path.relative(cwd, file) || file);
  return { file, config: loaded as DbctlConfig };
}

/** Reads `.env` in `cwd` without touching process.env; real environment variables win over it. */
export function readDotenv(cwd: string): Record<string, string> {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return {};
  return parseDotenv(fs.readFileSync(file));
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
