import type { Command } from 'commander';
import { CheckFailedError } from '../../../errors.js';
import { commandContext, withDatabase } from '../../context.js';
import { registerSchemaDump } from './dump.js';
import { registerSchemaErd } from './erd.js';

/** `dbctl schema drift | dump | erd`: the live schema against its migrations, as SQL, as a diagram. */
export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('schema safety: drift against the migrations, a committed schema.sql, an ERD');

  schema
    .command('drift')
    .description('compare the database with the schema its migrations build; exit 4 on any difference')
    .option('--schema <name...>', 'only these schemas')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { detectDrift, describeSchemaDiff } = await import('../../../schema/index.js');
      await withDatabase(ctx, async (database) => {
        const { diff, reference } = await detectDrift(database, ctx.config, {
          schemas: opts.schema,
          onEvent: (e) => e.type === 'building' && ctx.out.info(ctx.out.color.dim(`building the migrated template ${e.template} (once per migration set)`)),
        });
        const { missing, extra, changed } = diff;
        ctx.out.result({ ok: diff.equal, equal: diff.equal, reference: reference.template, missing, extra, changed });
        if (diff.equal) return ctx.out.line('no drift: the database matches what its migrations build');
        const count = missing.length + extra.length + changed.length;
        throw new CheckFailedError(`schema drift: ${count} object(s) differ from what the migrations build`, {
          hint: 'a change made outside the migrations (write a migration for it, or undo it), or migrations not yet applied (`dbctl migrate status`)',
          failureReport: describeSchemaDiff(diff).join('\n'),
        }, 'schema_drift');
      });
    });
  registerSchemaDump(schema);
  registerSchemaErd(schema);
}
