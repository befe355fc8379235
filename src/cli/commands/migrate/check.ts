import type { Command } from 'commander';
import { CheckFailedError } from '../../../errors.js';
import { commandContext } from '../../context.js';

/** `migrate check --base REF`: do this branch's migrations commute with REF's? */
export function registerMigrateCheck(migrate: Command): void {
  migrate
    .command('check')
    .description("compare this branch's new migrations with those REF added since the merge base: each pair commutes or conflicts (exit 4)")
    .requiredOption('--base <ref>', 'the git ref the branch will merge into (e.g. origin/main)')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { checkBranchMigrations } = await import('../../../flows/branch-check.js');
      const report = await checkBranchMigrations({ config: ctx.config, base: opts.base });
      ctx.out.result(report);
      const { out } = ctx;
      out.line(`this branch adds ${report.ours.length} migration(s), ${report.base} added ${report.theirs.length} since ${report.mergeBase.slice(0, 12)}`);
      for (const p of report.pairs) {
        out.line(`${p.status === 'commute' ? out.color.green('commute') : out.color.red('conflict')}  ${p.ours} × ${p.theirs}${p.objects.length ? `: both touch ${p.objects.join(', ')}` : ''}`);
        for (const line of p.difference ?? []) out.line(`    ${line}`);
      }
      for (const name of report.older) out.warn(`${name} sorts before ${report.theirs.at(-1)}, the newest migration on ${report.base}: after the merge it is unordered (rename it to sort last, or apply with --allow-unordered)`);
      const conflicts = report.pairs.filter((p) => p.status === 'conflict');
      if (conflicts.length) {
        const first = conflicts[0];
        throw new CheckFailedError(`${conflicts.length} pair(s) conflict: ${first.ours} and ${first.theirs}${first.objects.length ? ` both touch ${first.objects.join(', ')}` : ''}${first.difference ? `; applied in both orders: ${first.difference.join('; ')}` : ''}`, {
          hint: 'rebase on the base and rewrite the later migration on top of the other',
          data: { conflicts },
        }, 'migrations_conflict');
      }
      if (report.pairs.length) out.line('every pair commutes: after the merge, the later file may be renamed to sort last without changing what it does');
    });
}
