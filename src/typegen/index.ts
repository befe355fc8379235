/** `dbctl typegen`: Kysely types from the live schema (see docs/typegen.md). */
export { generateTypes, withTypegenOptions, type TypegenOptions } from './generate.js';
export { writeTypes, type WriteResult } from './write.js';
export { checkTypes, inspectTypes, type TypesCheck, type TypesInspection } from './check.js';
export { summarizeTypesDiff } from './diff-summary.js';
