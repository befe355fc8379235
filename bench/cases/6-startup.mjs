import { fileURLToPath } from 'node:url';
import { interleave, timeProcess } from '../lib/measure.mjs';
import { DBCTL, NODE, REPO, tempProject, tools } from '../lib/project.mjs';

const TS_CONFIG_ROW = "dbctl config (the repo's dbctl.config.ts)";
const FLOOR_SCRIPT = fileURLToPath(new URL('../fixtures/commander-help.mjs', import.meta.url));

/** Case 6: CLI start-up, where nothing touches a database. */
export default {
  id: 6,
  title: 'CLI start-up',
  async run({ runs, log }) {
    // An empty project: `dbctl config` resolves configuration (no file, defaults) and prints it.
    const dir = tempProject('startup');
    const run = (name, [cmd, args], cwd = REPO) => ({ name, run: () => timeProcess(cmd, args, { cwd }) });
    const floor = 'node + commander --help';
    const rows = await interleave([
      run(floor, [NODE, [FLOOR_SCRIPT, '--help']]),
      run('dbctl --help', [NODE, [DBCTL, '--help']]),
      run('dbctl --version', [NODE, [DBCTL, '--version']]),
      run('dbctl config (no-op command)', [NODE, [DBCTL, 'config']], dir),
      // The repository's own dbctl.config.ts (it imports dbctl/config): served from the transpile cache.
      run(TS_CONFIG_ROW, [NODE, [DBCTL, 'config']], REPO),
      run('kysely-ctl --help', tools.kyselyCtl('--help')),
      run('node-pg-migrate --help', tools.nodePgMigrate('--help')),
    ], { runs: runs ?? 7, log });
    const median = (name) => rows.find((r) => r.name === name).median;
    const extraMs = median(TS_CONFIG_ROW) - median('dbctl config (no-op command)');
    return {
      extraChecks: [{ label: 'start-up', text: 'a `.ts` config adds ≤ 20 ms over no config (dbctl config)', measured: `${extraMs >= 0 ? '+' : ''}${extraMs.toFixed(0)} ms`, ok: extraMs <= 20 }],
      groups: [{
        label: 'start-up',
        floor,
        rows,
        targets: [
          { row: 'dbctl --help', max: 1.3, text: 'dbctl --help ≤ 1.3× node + commander' },
          { row: 'dbctl config (no-op command)', max: 1.3, text: 'a no-op command ≤ 1.3× node + commander' },
        ],
      }],
    };
  },
};
