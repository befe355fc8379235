import path from 'node:path';
import type { TypegenConfig } from '../config/define.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import type { Adapter, Definitions, Scalars } from 'kysely-codegen';
import { sql, type Kysely } from 'kysely';
import { UsageError } from '../errors.js';
import { readCatalogFacts, refineMetadata } from './catalog.js';
import { loadCodegen } from './codegen.js';

/** Per-call overrides of the `typegen` config (the CLI's flags); `out` is relative to the project. */
export type TypegenOptions = Omit<TypegenConfig, 'afterMigrate'>;


/** The config with `opts` applied over its `typegen` section (undefined options leave it alone). */
export function withTypegenOptions(config: ResolvedConfig, opts: TypegenOptions = {}): ResolvedConfig {
  const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as TypegenOptions;
  const typegen = { ...config.typegen, ...given, out: given.out ? path.resolve(config.cwd, given.out) : config.typegen.out };
  const segments = path.relative(config.cwd, typegen.out).split(path.sep);
  if (segments.includes('node_modules')) {
    throw new UsageError(`typegen output ${typegen.out} is inside node_modules, where installs overwrite it`, {
      hint: 'choose a path in your sources, e.g. typegen.out: "src/db/types.ts"',
    });
  }
  if (!/\.[cm]?ts$/.test(typegen.out)) {
    throw new UsageError(`typegen output ${path.relative(config.cwd, typegen.out)} must be a .ts file`);
  }
  return { ...config, typegen };
}

/**
 * The Kysely `DB` interface (and its table interfaces) for `database`, as the text of a .ts file.
 * Introspection goes through the database's own Kysely instance, so a server and PGlite take the
 * same path. Deterministic: the same schema always gives the same bytes.
 */
export async function generateTypes(database: Database, config: ResolvedConfig, opts?: TypegenOptions): Promise<string> {
  const o = withTypegenOptions(config, opts).typegen;
  // Loaded on demand: kysely-codegen pulls in the TypeScript compiler.
  // One after the other: serialize.js imports kysely-codegen too, and must not race loadCodegen's
  // clear error for a missing typescript with a raw one of its own.
  const codegen = await loadCodegen();
  const { serializeTypes } = await import('./serialize.js');
  // Domains and partitions are resolved from the catalogs in catalog.ts, more exactly.
  const dialect = new codegen.PostgresDialect({ domains: false, partitions: true });
  addVectorType(codegen, dialect.adapter, o.vectorType);
  const db = await database.kysely();
  const [metadata, facts] = await Promise.all([
    // kysely-codegen is CommonJS: its Kysely type is the CJS declaration of the same class.
    dialect.introspector.introspect({ db: db as never, includePattern: o.includePattern ?? null, excludePattern: o.excludePattern ?? null, partitions: true }),
    readCatalogFacts(db),
  ]);
  await assertSchemasExist(db, o.schemas);
  return serializeTypes(refineMetadata(metadata, facts, config, o.schemas), dialect, { camelCase: !!o.camelCase, runtimeEnums: !!o.runtimeEnums });
}

/** A schema filter naming a schema that does not exist is a typo: it would write an empty DB interface. */
async function assertSchemasExist(db: Kysely<any>, schemas: string[] | undefined): Promise<void> {
  if (!schemas?.length) return;
  const { rows } = await sql<{ nspname: string }>`select nspname from pg_namespace where nspname in (${sql.join(schemas)})`.execute(db);
  const missing = schemas.filter((s) => !rows.some((r) => r.nspname === s));
  if (missing.length) throw new UsageError(`--schema ${missing.join(', ')}: no such schema in the database`, { hint: 'typegen.schemas / --schema name schemas that exist' });
}

/**
 * pgvector columns: selected as `vectorType` (number[] once the application registers pgvector's
 * parsers), written as the text `pgvector.toSql()` makes: node-postgres would send a JS array as
 * `{1,2,3}`, which vector_in rejects. kysely-codegen alone types them string (unknown type).
 */
function addVectorType(codegen: typeof import('kysely-codegen'), adapter: Adapter, vectorType: string): void {
  const { ColumnTypeNode, IdentifierNode, RawExpressionNode } = codegen;
  const definitions: Definitions = adapter.definitions;
  const scalars: Scalars = adapter.scalars;
  definitions.Vector = new ColumnTypeNode(new RawExpressionNode(vectorType), new IdentifierNode('string'), new IdentifierNode('string'));
  for (const type of ['vector', 'halfvec']) scalars[type] = new IdentifierNode('Vector');
}
