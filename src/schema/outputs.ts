import fs from 'node:fs';
import path from 'node:path';
import type { BookkeepingNames } from '../catalog/bookkeeping.js';
import type { PlaceholderSource } from '../migrate/placeholders.js';
import type { Database } from '../driver/database.js';
import { UsageError } from '../errors.js';
import { lineDiff } from './diff-text.js';
import { dumpSchema } from './dump.js';
import { mermaidMarkdown, renderDot, renderMermaid, type ErdFormat } from './erd.js';
import { checkFile, writeFileIfChanged } from './file.js';
import { introspectSchema } from './introspect.js';
import { assertSchemasExist } from './named-schemas.js';
import { renderSvg } from './svg.js';

/** The committed files `schema dump` and `schema erd` write, and what `--check` compares. */
export interface SchemaOutputOptions {
  /** Only these schemas. */
  schemas?: string[];
}

/** What the schema outputs read of the project (`schemaOutputConfig(config)` gives them). */
export interface SchemaOutputSettings {
  /** A relative `out` resolves against it. */
  cwd: string;
  /** The schema dump's file (`schema.out`), absolute. */
  file: string;
  /** The migration bookkeeping, left out of dumps and diagrams. */
  store: BookkeepingNames;
  /** The migrations folder and what its placeholders read: values they expand to are masked in the dump. */
  migrationsDir: string;
  placeholders: PlaceholderSource;
}

/**
 * `schema.out` from the config (default `schema.sql`), absolute; `out` instead when given. A folder
 * (`schema/`, or one that exists) gets `schema.sql` inside it: `schema dump --out schema/` seeds
 * the schema folder `migrate diff` reads.
 */
export function schemaFileOf(settings: SchemaOutputSettings, out?: string): string {
  if (out === undefined) return settings.file;
  const file = path.resolve(settings.cwd, out);
  return /[\\/]$/.test(out) || isDirectory(file) ? path.join(file, 'schema.sql') : file;
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The `schema dump` text of a database. */
export async function generateSchemaDump(database: Database, settings: SchemaOutputSettings, options: SchemaOutputOptions = {}): Promise<string> {
  const snapshot = await introspectSchema(database, { schemas: options.schemas, migrations: settings.store });
  assertSchemasExist(options.schemas, [snapshot], 'the database');
  // A value a migration's placeholder expanded to (a column default, a comment) is a secret here too.
  const { registerMigrationSecrets, maskSecrets } = await import('../migrate/placeholders.js');
  return maskSecrets(dumpSchema(snapshot), await registerMigrationSecrets(settings.migrationsDir, settings.placeholders));
}

export interface GeneratedFile {
  /** Absolute path. */
  file: string;
  /** The file was written (false: it already held exactly this). */
  changed: boolean;
}

/** Writes the schema dump to `schema.out` (or `out`) unless it is already current. */
export async function writeSchemaDump(database: Database, settings: SchemaOutputSettings, options: SchemaOutputOptions & { out?: string } = {}): Promise<GeneratedFile> {
  const file = schemaFileOf(settings, options.out);
  return { file, changed: writeFileIfChanged(file, await generateSchemaDump(database, settings, options)) };
}

export interface StaleCheck {
  file: string;
  fresh: boolean;
  missing: boolean;
  /** Lines only in the file (`- `) and only in what the schema gives now (`+ `). */
  diff: string[];
}

/** Whether `file` holds exactly `generated`; writes nothing. */
export function compareWithFile(file: string, generated: string): StaleCheck {
  const check = checkFile(file, generated);
  if (check.fresh || check.missing) return { ...check, diff: [] };
  return { ...check, diff: lineDiff(fs.readFileSync(file, 'utf8').split('\n'), generated.split('\n')) };
}

/** Whether the committed schema dump is what the database gives now. */
export async function checkSchemaDump(database: Database, settings: SchemaOutputSettings, options: SchemaOutputOptions & { out?: string } = {}): Promise<StaleCheck> {
  return compareWithFile(schemaFileOf(settings, options.out), await generateSchemaDump(database, settings, options));
}

export interface ErdRequest extends SchemaOutputOptions {
  /** Default: from the file's extension (.svg, .dot/.gv, else mermaid). */
  format?: ErdFormat;
  /** Decides the format when none is given, and wraps Mermaid in Markdown for a `.md` file. */
  out?: string;
  /** Only these relations (`name` or `schema.name`, `*` wildcard). */
  tables?: string[];
}

export function erdFormatOf(request: Pick<ErdRequest, 'format' | 'out'>): ErdFormat {
  if (request.format) {
    if (!['mermaid', 'dot', 'svg'].includes(request.format)) throw new UsageError(`unknown ERD format "${request.format}"`, { hint: 'use mermaid, dot or svg' });
    return request.format;
  }
  const ext = request.out ? path.extname(request.out).toLowerCase() : '';
  return ext === '.svg' ? 'svg' : ext === '.dot' || ext === '.gv' ? 'dot' : 'mermaid';
}

/** The ERD of a database in the requested format (Mermaid in a Markdown page for a `.md` file). */
export async function generateErd(database: Database, settings: SchemaOutputSettings, request: ErdRequest = {}): Promise<string> {
  const snapshot = await introspectSchema(database, { schemas: request.schemas, migrations: settings.store });
  assertSchemasExist(request.schemas, [snapshot], 'the database');
  const format = erdFormatOf(request);
  const options = { tables: request.tables };
  if (format === 'dot') return renderDot(snapshot, options);
  if (format === 'svg') return renderSvg(renderDot(snapshot, options));
  const diagram = renderMermaid(snapshot, options);
  return request.out?.toLowerCase().endsWith('.md') ? mermaidMarkdown(diagram) : diagram;
}
