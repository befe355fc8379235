import { summaryConfig } from '../../config/props.js';
import type { Command } from 'commander';
import { describeTarget } from '../../driver/target.js';
import { commandContext, withDatabase } from '../context.js';
import { table } from '../output.js';

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description('the tables of the managed schemas with their row counts')
    .option('--digest', 'also a content digest per table (equal digests = equal rows)')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { summarizeTables } = await import('../../seed/summary.js');
      await withDatabase(ctx, async (database) => {
        const tables = await summarizeTables(database, summaryConfig(ctx.config), { digest: opts.digest, distributed: database.capabilities.distributed });
        const total = tables.reduce((n, t) => n + t.rows, 0);
        const where = describeTarget(database.target);
        ctx.out.result({ database: where, env: ctx.config.env, tables, totalRows: total });
        const { out } = ctx;
        const qualify = ctx.config.reset.schemas.length > 1;
        out.line(`${where} (environment ${ctx.config.env})`);
        if (!tables.length) return out.line('no tables yet: run `dbctl migrate up`');
        const rows = [['table', 'rows', ...(opts.digest ? ['digest'] : [])]];
        for (const t of tables) rows.push([qualify ? `${t.schema}.${t.table}` : t.table, String(t.rows), ...(opts.digest ? [t.digest!] : [])]);
        out.line(table(rows, out.color));
        out.line(out.color.dim(`${tables.length} table(s), ${total} row(s)`));
      });
    });
}
