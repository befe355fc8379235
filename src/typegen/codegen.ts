import { ConfigError } from '../errors.js';

/**
 * kysely-codegen, loaded on demand. It requires the TypeScript compiler at load time, and dbctl
 * leaves `typescript` to the project (an optional peer dependency): only typegen needs it.
 */
export async function loadCodegen(): Promise<typeof import('kysely-codegen')> {
  try {
    return await import('kysely-codegen');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if ((e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') && /['"]typescript['"]/.test(String(e.message))) {
      throw new ConfigError('dbctl typegen needs the typescript package, which this project does not have', { hint: 'npm install --save-dev typescript' }, 'typescript_missing');
    }
    throw error;
  }
}
