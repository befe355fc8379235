'use strict';
// `require('dbctl')` lands here (package.json "exports" → "require"): dbctl is published as ES
// modules only, so say how to load it instead of failing with ERR_REQUIRE_ESM or a missing export.
const error = new Error(
  "dbctl is ESM-only: use `import { … } from 'dbctl'` (also 'dbctl/testing', 'dbctl/config') or `await import('dbctl')` from CommonJS",
);
error.code = 'ERR_DBCTL_ESM_ONLY';
throw error;
