import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { withSource } from '../render/schema.js';
import { renderTypesCheck, renderTypesWritten } from '../render/typegen.js';

export function registerTypegen(program: Command): void {
  program
    .command('typegen')
    .description('generate the Kysely DB interface from the database schema')
    .option('--out <file>', 'write this file instead of typegen.out (default src/db/types.ts)')
    .option('--check', 'write nothing; exit 4 if the file is missing or differs from the schema')
    .option('--from-migrations', 'use a throwaway embedded database with every migration applied (no server needed)')
    .option('--camel-case', "camelCase names (query with Kysely's CamelCasePlugin)")
    .option('--include-pattern <glob>', 'only tables matching this glob (table, or schema.table: "public.*")')
    .option('--exclude-pattern <glob>', 'leave out tables matching this glob (table, or schema.table)')
    .option('--schema <name...>', 'only tables in these schemas')
    .option('--runtime-enums', 'Postgres enums as TypeScript enums (values usable at run time)')
    .option('--vector-type <type>', 'TypeScript type of pgvector columns (default number[])')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { withTypegenOptions, inspectTypes, writeTypes } = await import('../../typegen/index.js');
      const config = withTypegenOptions(ctx.config, {
        out: opts.out,
        camelCase: opts.camelCase,
        includePattern: opts.includePattern,
        excludePattern: opts.excludePattern,
        schemas: opts.schema,
        runtimeEnums: opts.runtimeEnums,
        vectorType: opts.vectorType,
      });
      await withSource({ ...ctx, config }, opts.fromMigrations, async (database) => {
        ctx.out.status('reading the schema and generating types');
        if (opts.check) renderTypesCheck(ctx, config, await inspectTypes(database, config), !!opts.fromMigrations);
        else renderTypesWritten(ctx, config, await writeTypes(database, config));
        ctx.out.status(undefined);
      });
    });
}
