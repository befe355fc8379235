import { Option, type Command } from 'commander';
import { commandContext, type CommandContext } from '../../context.js';
import type { Ambiguity, SettleAnswer } from '../../../diff/index.js';
import type { MigrateDiffResult } from '../../../flows/migrate-diff.js';

/**
 * `migrate diff NAME`: the next migration, from the schema folder. The current state is what the
 * migrations build; `--from-url URL`, or a database chosen on the command line (`-e ENV`, `--url`),
 * makes it that live database instead.
 */
export function registerMigrateDiff(migrate: Command): void {
  migrate
    .command('diff [name]')
    .description('write the next migration from the desired schema (schema/ or schema.dir), verified up and down on a scratch database')
    .option('--schema-dir <path>', 'the desired schema: a folder of .sql files or one file (default: schema.dir, else schema/)')
    .option('--from-url <url>', 'diff against this live database instead of what the migrations build; its catalog sizes each hazard (rows, bytes)')
    .option('--dry-run', 'print the plan (verified) and write nothing')
    .option('--check', 'exit 4 when the schema and the migrations differ, naming the differences (for CI)')
    .option('--hints <file>', 'renames and intended drops as JSON: {"renames": [{"kind", "from", "to", "table"}], "drops": [{"kind", "name"}]}')
    .option('--allow-data-loss', 'allow steps that delete data (dropped tables and columns, narrowed types, recreated enums)')
    .option('--allow <hazard...>', 'allow steps with these hazards (DELETES_DATA)')
    .addOption(new Option('--scratch <where>', 'where the schemas are built and the plan verified: embedded (PGlite, default; the server when the schema needs an extension PGlite lacks) or server (throwaway databases on the configured server)').choices(['embedded', 'server']))
    .action(async (name: string | undefined, opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { migrateDiff } = await import('../../../flows/migrate-diff.js');
      const live = opts.fromUrl ?? (ctx.globals.url || ctx.globals.env ? ctx.config.url : undefined);
      const result = await migrateDiff(ctx.config, {
        name,
        mode: opts.check ? 'check' : opts.dryRun || !name ? 'dry-run' : 'write',
        schemaPath: opts.schemaDir,
        fromUrl: live,
        hintsFile: opts.hints,
        allowDataLoss: opts.allowDataLoss,
        allow: opts.allow?.map((h: string) => h.toUpperCase()),
        scratch: opts.scratch,
        settle: ctx.out.json || opts.check ? undefined : await renamePrompt(),
      });
      render(ctx, result, !!opts.check);
    });
}

/**
 * On a terminal, an ambiguous drop + add pair is asked about instead of being an error; without
 * one (CI, a pipe) there is no prompt and the pairs are listed with their hints, exit 4.
 */
async function renamePrompt(): Promise<((pair: Ambiguity) => Promise<SettleAnswer>) | undefined> {
  const { terminalPrompt } = await import('../../guard.js');
  const prompt = terminalPrompt();
  if (!prompt) return undefined;
  return async (pair) => {
    const answer = await prompt(`${pair.kind} ${pair.dropped} dropped and ${pair.added} added: [r]ename it, [d]rop it (its data is lost), or Enter to stop? `);
    return /^r/i.test(answer.trim()) ? 'rename' : /^d/i.test(answer.trim()) ? 'drop' : undefined;
  };
}

function render(ctx: CommandContext, result: MigrateDiffResult, check: boolean): void {
  const steps = (list: MigrateDiffResult['up']) => list.map((s) => ({ sql: s.sql, hazards: s.hazards, transaction: s.transaction, object: s.object, size: s.size ?? null }));
  ctx.out.result({ file: result.file ?? null, empty: !result.up.length, up: steps(result.up), down: steps(result.down), hazards: [...new Set(result.up.flatMap((s) => s.hazards))] });
  if (check || !result.up.length) return ctx.out.line(check ? 'migrate diff --check: the schema and the migrations agree' : 'migrate diff: nothing to do, the migrations build the schema');
  if (result.file) return ctx.out.line(`wrote ${result.file} (${result.up.length} statement(s), verified up and down)`);
  ctx.out.line(result.text.trimEnd());
}
