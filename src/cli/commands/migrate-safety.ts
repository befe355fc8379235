import type { Command } from 'commander';
import type { Database } from '../../driver/open.js';
import { CheckFailedError } from '../../errors.js';
import type { LintReport } from '../../lint/index.js';
import type { RoundTripResult } from '../../migrate-test/index.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';

/** `migrate lint` and `migrate test`: schema safety checks that never change the target. */
export function registerMigrateSafety(migrate: Command): void {
  migrate
    .command('lint [names...]')
    .description('lint pending migrations (squawk + dbctl\'s large-table rules); exit 4 on an error')
    .option('--all', 'lint applied migrations too')
    .action(async (names: string[], opts, command: Command) => {
      const ctx = await commandContext(command);
      await withDatabase(ctx, async (database) => {
        const report = await lint(ctx, database, { names, all: opts.all });
        ctx.out.result(report);
        if (!report.ok) throw lintFailed(report);
      }, undefined, { kysely: false });
    });

  migrate
    .command('test')
    .description('on a throwaway database: every migration up, down (the schema must be as before), up again; exit 4 on a mismatch')
    .option('--from <name>', 'start at NAME (the migrations before it are applied, not tested)')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const [{ testMigrations }, { parseTarget }, { describeSchemaDiff }] = await Promise.all([
        import('../../migrate-test/index.js'), import('../../driver/url.js'), import('../../schema/diff-text.js'),
      ]);
      const where = parseTarget(ctx.config.url, ctx.config.cwd);
      ctx.out.info(ctx.out.color.dim(`on a throwaway database ${where.kind === 'pg' ? `on the server ${where.host}:${where.port}` : '(embedded PGlite)'}; the target is not touched`));
      const report = await testMigrations({ config: ctx.config, from: opts.from, onEvent: (e) => renderRoundTrip(ctx, e.result, describeSchemaDiff) });
      ctx.out.result(report);
      const { migrations, passed, irreversible } = report.summary;
      ctx.out.line(`tested ${migrations} migration(s): ${passed} passed${irreversible ? `, ${irreversible} irreversible (skipped: ${report.irreversible.join(', ')})` : ''}`);
      if (!report.ok) {
        throw new CheckFailedError(`migrate test: ${report.failed} ${report.results.at(-1)?.status === 'failed' ? 'failed' : 'does not round-trip'}`, {
          hint: 'make its down undo exactly what its up does (dbctl migrate test --from NAME retests from there)',
        }, 'migrate_test_failed');
      }
    });
}

function renderRoundTrip(ctx: CommandContext, r: RoundTripResult, describeSchemaDiff: typeof import('../../schema/diff-text.js').describeSchemaDiff): void {
  const { out } = ctx;
  const c = out.color;
  if (out.json) return;
  if (r.status === 'ok') return out.line(`${c.green('✓')} ${r.name}`);
  if (r.status === 'irreversible') return out.line(`${c.yellow('-')} ${r.name} ${c.dim('irreversible (no down): skipped, kept applied')}`);
  if (r.status === 'failed') return out.line(`${c.red('✗')} ${r.name}: ${r.phase} failed: ${r.error}`);
  const labels = r.phase === 'down'
    ? { missing: 'dropped by down and not restored', extra: 'left behind by down' }
    : { missing: 'built by the first up only', extra: 'built by up after down only' };
  out.line(`${c.red('✗')} ${r.name}: ${r.phase === 'down' ? 'the schema after down differs from before up' : 'up after down builds a different schema'}`);
  for (const line of describeSchemaDiff(r.differences!, labels)) out.line(`    ${line}`);
}

/** `migrate up --lint`: lint what is pending, and refuse to apply anything if there is an error. */
export async function lintBeforeUp(ctx: CommandContext, database: Database): Promise<void> {
  const report = await lint(ctx, database, {});
  if (!report.ok) {
    ctx.out.result(report);
    throw lintFailed(report, 'nothing was applied');
  }
}

async function lint(ctx: CommandContext, database: Database, options: { names?: string[]; all?: boolean }): Promise<LintReport> {
  const { lintMigrations } = await import('../../lint/index.js');
  const report = await lintMigrations({ database, config: ctx.config, ...options });
  renderLint(ctx, report);
  return report;
}

function lintFailed(report: LintReport, outcome?: string): CheckFailedError {
  const { errors, warnings } = report.summary;
  return new CheckFailedError(`lint: ${errors} error(s), ${warnings} warning(s)${outcome ? `; ${outcome}` : ''}`, {
    hint: 'fix the migration, or disable the rule with a reason: `-- dbctl-lint-ignore RULE -- why` above the statement, or lint.rules in dbctl.config.ts',
  }, 'lint_failed');
}

function renderLint(ctx: CommandContext, report: LintReport): void {
  const { out } = ctx;
  const c = out.color;
  for (const note of report.notes) out.warn(note);
  if (out.json) return;
  for (const f of report.findings) {
    const where = f.line !== undefined ? `${f.file}:${f.line}:${f.col}` : `${f.file} (${f.direction})`;
    const level = f.level === 'error' ? c.red('error') : c.yellow('warning');
    out.line(`${where}${f.line !== undefined && f.direction === 'down' ? ' (down)' : ''} ${level} ${c.bold(f.rule)}${f.source === 'dbctl' ? c.dim(' (dbctl)') : ''}`);
    if (f.statement) out.line(c.dim(`  statement: ${oneLine(f.statement)}`));
    out.line(`  ${f.message}`);
    if (f.help) out.line(c.dim(`  help: ${f.help}`));
  }
  const { migrations, errors, warnings } = report.summary;
  const counts = errors + warnings ? `${errors ? c.red(`${errors} error(s)`) : '0 errors'}, ${warnings ? c.yellow(`${warnings} warning(s)`) : '0 warnings'}` : c.green('no findings');
  out.line(`linted ${migrations} migration(s): ${counts}`);
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}
