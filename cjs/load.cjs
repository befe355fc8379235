'use strict';
// The one CommonJS entry behind package.json "exports" → "require": dbctl itself is ES modules.
// Node 20.19+ and 22.12+ load ES modules through `require` (no top-level await in dbctl), so this
// hands the ESM file to Node's own `require`. It goes through createRequire rather than the
// `require` in scope because Jest's CommonJS mode replaces that one with a loader that parses the
// file as CommonJS; Node's own can load ESM, so `require('dbctl')` works under Jest too.
const { createRequire } = require('node:module');

const nativeRequire = createRequire(__filename);

module.exports = function load(file) {
  try {
    return nativeRequire(file);
  } catch (error) {
    if (error && error.code === 'ERR_REQUIRE_ESM') {
      const hint = new Error(
        `dbctl is ES modules: require('dbctl') needs Node 20.19+ or 22.12+ (this is ${process.version}); ` +
          "else use `import … from 'dbctl'` or `await import('dbctl')`",
      );
      hint.code = 'ERR_DBCTL_ESM_ONLY';
      throw hint;
    }
    throw error;
  }
};
