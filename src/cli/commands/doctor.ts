import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { announceTarget, commandContext } from '../context.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, connection, extensions, migrations, locks, blocking sessions and types (exit 4: needs attention)')
    .action(async (_opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      const { runDoctor } = await import('../../doctor/index.js');
      const report = await runDoctor(ctx.config);
      ctx.out.result(report);
      const c = ctx.out.color;
      const mark = { ok: c.green('ok'), attention: c.red('!!'), unknown: c.yellow('??'), skipped: c.dim('--') } as const;
      for (const [name, s] of Object.entries(report.sections)) ctx.out.line(`${mark[s.status]}  ${c.bold(name.padEnd(10))}  ${s.summary}`);
      ctx.out.line(report.ok ? c.green('all well') : c.red(`needs attention: ${report.attention.join(', ')}`));
      // The report is the output either way; the exit code tells CI whether to stop.
      if (!report.ok) process.exitCode = ExitCode.check;
    });
}
