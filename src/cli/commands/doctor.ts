import type { Command } from 'commander';
import { CheckFailedError } from '../../errors.js';
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
      if (report.ok) return ctx.out.line(c.green('all well'));
      ctx.out.line(c.red(`needs attention: ${report.attention.join(', ')}`));
      // The report is the output either way; the exit code (4, through the one error path) tells CI to stop.
      throw new CheckFailedError(`doctor: ${report.attention.length} section(s) need attention: ${report.attention.join(', ')}`, {
        hint: 'each section above says what it found',
      }, 'doctor_attention');
    });
}
