import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** dbctl's own version, recorded with every applied migration and in backup manifests. */
export const VERSION: string = require('../package.json').version;
