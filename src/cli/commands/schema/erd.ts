import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { commandContext } from '../../context.js';
import { reportCheck, reportWrite, withSource } from '../../render/schema.js';

export function registerSchemaErd(schema: Command): void {
  schema
    .command('erd')
    .description('an entity-relationship diagram of the schema: Mermaid, Graphviz DOT or SVG')
    .option('--format <format>', 'mermaid, dot or svg (needs Graphviz); default from --out, else mermaid')
    .option('--out <file>', 'write this file (a .md file gets a Markdown page around the Mermaid block); default stdout')
    .option('--check', 'write nothing; exit 4 if --out is missing or stale')
    .option('--from-migrations', 'use a throwaway embedded database with every migration applied (no server needed)')
    .option('--schema <name...>', 'only these schemas')
    .option('--tables <pattern...>', 'only these tables and views (name or schema.name; * wildcard)')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      if (opts.check && !opts.out) throw new UsageError('schema erd --check needs --out FILE: the committed diagram to compare');
      const s = await import('../../../schema/index.js');
      s.erdFormatOf(opts); // a bad --format is refused before any database is opened
      await withSource(ctx, opts.fromMigrations, async (database) => {
        const content = await s.generateErd(database, s.schemaOutputConfig(ctx.config), { format: opts.format, out: opts.out, schemas: opts.schema, tables: opts.tables });
        // Under --json the diagram is a field of the one document, not raw text on stdout.
        if (!opts.out) return ctx.out.json ? ctx.out.result({ ok: true, format: s.erdFormatOf(opts), content }) : process.stdout.write(content);
        const file = path.resolve(ctx.config.cwd, opts.out);
        if (opts.check) return reportCheck(ctx, s.compareWithFile(file, content), 'schema erd', opts.fromMigrations);
        reportWrite(ctx, file, s.writeFileIfChanged(file, content));
      });
    });
}
