import path from 'node:path';
import type { Command } from 'commander';
import { commandContext } from '../../context.js';

export function registerSeedNew(seed: Command): void {
  seed
    .command('new <name>')
    .description('create a seed file in seeds/common (or seeds/<env> with --env)')
    .action(async (name: string, _opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { createSeedFile } = await import('../../../seed/new.js');
      const file = createSeedFile({ dir: ctx.config.seeds.dir, name, env: ctx.globals.env });
      ctx.out.result({ file: path.relative(ctx.config.cwd, file) });
      ctx.out.line(`created ${path.relative(ctx.config.cwd, file)}`);
    });
}
