import type { Command } from 'commander';
import { commandContext } from '../context.js';
import { table } from '../output.js';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the resolved configuration (passwords redacted)')
    .action(async (_opts, command: Command) => {
      const { out, config } = await commandContext(command);
      const { publicConfig } = await import('../../config/resolve.js');
      const shown = publicConfig(config);
      out.result(shown);
      out.line(
        table(
          [
            ['setting', 'value'],
            ['config file', config.configFile ?? '(none)'],
            ['environment', `${config.env} (from ${config.envSource})`],
            ['database', `${shown.url} (from ${config.urlOrigin})`],
            ['protected', String(config.protected)],
            ['migrations', `${config.migrations.dir} → ${config.migrations.schema}.${config.migrations.table}`],
            ['seeds', config.seeds.dir],
            ['fixtures', config.fixtures.dir],
            ['typegen out', config.typegen.out],
            ['connect timeout', `${config.connectTimeoutMs} ms`],
            ['run lock timeout', `${config.lockTimeoutMs} ms`],
            ['DDL lock_timeout', `${config.ddlLockTimeoutMs} ms`],
          ],
          out.color,
        ),
      );
    });
}
