import path from 'node:path';
import type { Command } from 'commander';
import { currentOutput, globalsOf } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('set up this folder for dbctl: config, a first migration and seed, .gitignore entries (never overwrites)')
    .option('--docker', 'also a compose file for a local PostgreSQL (pgvector), its password in .env')
    .action(async (opts, command: Command) => {
      const globals = globalsOf(command);
      const out = currentOutput(globals);
      const cwd = path.resolve(globals.cwd ?? process.cwd());
      const [{ initProject }, { CONFIG_FILES }] = await Promise.all([import('../../init/index.js'), import('../../config/load.js')]);
      // The folder init runs in is the project; an existing config there gives the folders.
      const fs = await import('node:fs');
      const existing = globals.config
        ? path.resolve(cwd, globals.config)
        : CONFIG_FILES.flatMap((f) => [path.join(cwd, f), path.join(cwd, '.config', f)]).find((f) => fs.existsSync(f));
      let dirs: { migrationsDir?: string; seedsDir?: string } = {};
      if (existing && fs.existsSync(existing)) {
        const { resolveConfig } = await import('../../config/resolve.js');
        try {
          const { stdoutToStderr } = await import('../stdout-to-stderr.js');
          const config = await stdoutToStderr(() => resolveConfig({ cwd, configFile: existing, env: globals.env, database: false }));
          dirs = { migrationsDir: config.migrations.dir, seedsDir: config.seeds.dir };
        } catch (error) {
          // Typically 'dbctl/config' before `npm install`: init still completes what is missing.
          out.warn(`${(error as Error).message}; assuming the default folders (migrations/, seeds/)`);
        }
      }
      const report = initProject({ cwd, configFile: existing && fs.existsSync(existing) ? existing : undefined, ...dirs, docker: opts.docker });
      out.result({ ok: true, ...report });
      const c = out.color;
      const label = { created: c.green('created '), appended: c.green('appended'), skipped: c.dim('skipped ') };
      for (const f of report.files) out.line(`${label[f.action]} ${f.path}${f.detail ? c.dim(` (${f.detail})`) : ''}`);
      out.line(`next: ${report.next.join('\n      ')}`);
    });
}
