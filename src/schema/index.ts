/**
 * Schema safety: one catalog introspection (`introspectSchema`) that `schema drift`, `schema dump`,
 * `schema erd` and `migrate test` share, and `diffSchemas` to compare two snapshots.
 */
export type * from './model.js';
export { introspectSchema, type IntrospectOptions, type Introspectable } from './introspect.js';
export { diffSchemas, indexObjects, OBJECT_KINDS, type ObjectKind, type SchemaDiff, type SchemaObject, type FieldChange } from './diff.js';
export { describeSchemaDiff } from './diff-text.js';
export { dumpSchema } from './dump.js';
export { detectDrift, type DriftOptions, type DriftReport } from './drift.js';
export { renderMermaid, renderDot, mermaidMarkdown, shortType, type ErdFormat, type ErdOptions } from './erd.js';
export { renderSvg } from './svg.js';
export { schemaOutputConfig } from '../config/props.js';
export { checkFile, writeFileIfChanged, type FileCheck } from './file.js';
export {
  schemaFileOf,
  generateSchemaDump,
  writeSchemaDump,
  checkSchemaDump,
  compareWithFile,
  generateErd,
  erdFormatOf,
  type SchemaOutputOptions,
  type SchemaOutputSettings,
  type GeneratedFile,
  type StaleCheck,
  type ErdRequest,
} from './outputs.js';
export { referenceSnapshot, filterSnapshot, type Reference } from './reference.js';
