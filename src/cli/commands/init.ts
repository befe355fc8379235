import path from 'node:path';
import type { Command } from 'commander';
import { currentOutput, globalsOf } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('set up this folder for dbctl: config, a first migration and seed, .gitignore entries (never overwrites)')
    .option('--docker', 'also a compose file for a local PostgreSQL (pgvector), its password in .env')
    .option('--schema', 'also the schema folder (schema.dir, default schema/) that `migrate diff` writes migrations from; asked on a terminal')
    .option('--no-schema', 'no schema folder, and no question about it')
    .option('--postgres-version <major>', "production's PostgreSQL major (postgres.version); default: the compose file's image, else asked on a terminal")
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
      let dirs: { migrationsDir?: string; seedsDir?: string; schemaDir?: string } = {};
      if (existing && fs.existsSync(existing)) {
        const { resolveConfig } = await import('../../config/resolve.js');
        try {
          const { stdoutToStderr } = await import('../stdout-to-stderr.js');
          const config = await stdoutToStderr(() => resolveConfig({ cwd, configFile: existing, env: globals.env, database: false }));
          dirs = { migrationsDir: config.migrations.dir, seedsDir: config.seeds.dir, schemaDir: config.schema.dir };
        } catch (error) {
          // Typically 'dbctl/config' before `npm install`: init still completes what is missing.
          out.warn(`${(error as Error).message}; assuming the default folders (migrations/, seeds/)`);
        }
      }
      const noQuestion = !!(existing && fs.existsSync(existing)) || !!globals.json;
      const postgresVersion = await askPostgresVersion(cwd, opts, noQuestion);
      const schema = opts.schema ?? (noQuestion ? false : await askSchema(dirs.schemaDir ?? 'schema'));
      const report = initProject({ cwd, configFile: existing && fs.existsSync(existing) ? existing : undefined, ...dirs, docker: opts.docker, postgresVersion, schema });
      out.result({ ok: true, ...report });
      const c = out.color;
      const label = { created: c.green('created '), appended: c.green('appended'), skipped: c.dim('skipped ') };
      for (const f of report.files) out.line(`${label[f.action]} ${f.path}${f.detail ? c.dim(` (${f.detail})`) : ''}`);
      if (report.postgres) out.line(c.dim(`postgres.version ${report.postgres.version} (${report.postgres.from}): migrate up and lint refuse on the embedded database what it lacks`));
      out.line(`next: ${report.next.join('\n      ')}`);
    });
}

/** Whether to write the schema folder, asked on a terminal (no in scripts). */
async function askSchema(dir: string): Promise<boolean> {
  const { terminalPrompt } = await import('../guard.js');
  const answer = await terminalPrompt()?.(`Keep the schema as SQL in ${dir}/ and let \`dbctl migrate diff\` write the migrations (y/N)? `);
  return /^y(es)?$/i.test(answer?.trim() ?? '');
}

/**
 * `--postgres-version`, else nothing when the compose file says (or init writes one), else the
 * answer to a question on a terminal (none in scripts, with --json or with a config already there).
 */
async function askPostgresVersion(cwd: string, opts: { postgresVersion?: string; docker?: boolean }, noQuestion: boolean): Promise<number | undefined> {
  const { UsageError } = await import('../../errors.js');
  const parse = (text: string, from: string) => {
    const major = Number(text.trim());
    if (!Number.isSafeInteger(major) || major < 14) throw new UsageError(`${from}: "${text.trim()}" is not a PostgreSQL major version, 14 or newer (e.g. 16)`);
    return major;
  };
  if (opts.postgresVersion !== undefined) return parse(opts.postgresVersion, '--postgres-version');
  const { postgresVersionFor } = await import('../../init/index.js');
  if (noQuestion || postgresVersionFor(cwd, { docker: opts.docker })) return undefined;
  const { terminalPrompt } = await import('../guard.js');
  const answer = await terminalPrompt()?.('Which PostgreSQL major does production run (e.g. 16; Enter to skip)? ');
  return answer?.trim() ? parse(answer, 'init') : undefined;
}
