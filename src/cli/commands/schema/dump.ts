import type { Command } from 'commander';
import { commandContext } from '../../context.js';
import { reportCheck, reportWrite, withSource } from '../../render/schema.js';

export function registerSchemaDump(schema: Command): void {
  schema
    .command('dump')
    .description('write the schema as a deterministic SQL file (schema.out, default schema.sql) to commit beside the migrations')
    .option('--out <file>', 'write this file instead of schema.out (a folder, schema/, gets schema.sql: seeds the schema folder migrate diff reads); - for stdout')
    .option('--check', 'write nothing; exit 4 if the file is missing or stale')
    .option('--from-migrations', 'use a throwaway embedded database with every migration applied (no server needed)')
    .option('--schema <name...>', 'only these schemas')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const s = await import('../../../schema/index.js');
      const settings = s.schemaOutputConfig(ctx.config);
      await withSource(ctx, opts.fromMigrations, async (database) => {
        if (opts.out === '-') {
          const sql = await s.generateSchemaDump(database, settings, { schemas: opts.schema });
          return ctx.out.json ? ctx.out.result({ ok: true, sql }) : process.stdout.write(sql); // --json: one document
        }
        const file = s.schemaFileOf(settings, opts.out);
        if (opts.check) return reportCheck(ctx, s.compareWithFile(file, await s.generateSchemaDump(database, settings, { schemas: opts.schema })), 'schema dump', opts.fromMigrations);
        const { changed } = await s.writeSchemaDump(database, settings, { out: file, schemas: opts.schema });
        reportWrite(ctx, file, changed);
      });
    });
}
