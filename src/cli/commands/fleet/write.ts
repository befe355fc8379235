import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { addGuardOptions } from '../../guard.js';
import { positiveInt, wholeNumber } from '../../options.js';
import { runOnFleet } from './run.js';

const FORCE = 'allow in a protected environment (with --confirm FLEET)';

/** `fleet seed` and `fleet exec`: change data on every database, so guarded like `seed`. */
export function registerFleetWrite(fleet: Command): void {
  addGuardOptions(
    fleet
      .command('seed')
      .description("run the environment's seeds on every database")
      .option('--only <name...>', 'run only these seeds')
      .option('--scale <n>', 'multiply row counts', positiveInt('--scale'))
      .option('--seed <n>', 'faker seed (a whole number ≥ 0)', wholeNumber('--seed')),
    FORCE,
  ).action(async (opts, command: Command) => {
    const [{ fleetSeed }, { assertSeedsFolder }] = await Promise.all([import('../../../fleet/index.js'), import('../../../config/folders.js')]);
    await runOnFleet(command, 'seed', (ctx) => {
      assertSeedsFolder(ctx.config.seeds.dir);
      return fleetSeed({ only: opts.only, scale: opts.scale, seed: opts.seed });
    }, { migrations: false });
  });

  addGuardOptions(fleet.command('exec <file>').description('run a SQL file on every database, in one transaction per database'), FORCE).action(async (file: string, _opts, command: Command) => {
    const { fleetExec } = await import('../../../fleet/index.js');
    await runOnFleet(command, `exec ${path.basename(file)}`, (ctx) => {
      const text = fs.readFileSync(path.resolve(ctx.config.cwd, file), 'utf8');
      if (!text.trim()) throw new UsageError(`${file} is empty`);
      return fleetExec(text);
    }, { migrations: false });
  });
}
