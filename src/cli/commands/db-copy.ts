import type { Command } from 'commander';
import { isDbctlError, UsageError } from '../../errors.js';
import { commandContext, type CommandContext } from '../context.js';
import { addGuardOptions, guardOptions } from '../guard.js';
import { withInterrupts } from '../interrupt.js';
import { renderCopy, renderCopyEvent, renderSuggestions } from '../render/copy.js';

export function registerDbCopy(db: Command): void {
  addGuardOptions(
    db.command('copy')
      .description('copy a source (production) into this database: a foreign-key-closed subset, masked in the stream, built beside the target and swapped in when verified')
      .requiredOption('--from <env|url>', 'the source: an environment of the config, or a postgres:// URL (only ever read)')
      .option('--into <env|url>', 'the target: an environment, a postgres:// URL or a pglite:// folder (default: the configured database)')
      .option('--testdb <name>', 'build the test-database template NAME instead (clones: createTestDatabase({ copy: NAME }))')
      .option('--subset <table:where|table:N%...>', "start rows instead of copy.subset, e.g. \"users:created_at > now() - interval '30 days'\" or organisations:5%")
      .option('--all', 'copy every row, ignoring copy.subset')
      .option('--keep <table...>', "leave the target's own rows in these tables (e.g. an audit log)")
      .option('--jobs <n>', 'tables copied in parallel, all on one snapshot', (v) => positive(v, '--jobs'))
      .option('--allow-drift', "copy the columns both sides share when the source's schema differs from the migrations")
      .option('--strict', 'every copied column needs a masking rule or a safe declaration (default when the source is protected)')
      .option('--no-strict', 'do not require a rule for every column')
      .option('--suggest', 'propose masking rules from column names and sampled values; copy nothing'),
    'allow a protected target (with --confirm)',
  ).action(async (opts, command: Command) => {
    const ctx = await commandContext(command);
    if (opts.subset && opts.all) throw new UsageError('choose one of --subset and --all');
    if (opts.testdb && opts.into) throw new UsageError('choose one of --into and --testdb');
    const from = await sideOf(ctx, opts.from, '--from');
    const flows = await import('../../flows/db-copy.js');
    if (opts.suggest) {
      const suggestions = await flows.suggestCopyRules({ config: ctx.config, from: from.config.target });
      ctx.out.result({ ok: true, suggestions });
      renderSuggestions(ctx, suggestions);
      return;
    }
    const into = opts.into ? await sideOf(ctx, opts.into, '--into') : { config: ctx.config };
    const strict = command.getOptionValueSource('strict') === 'cli' ? opts.strict : undefined;
    const report = await withInterrupts((signal) => flows.copyDatabase({
      config: into.config,
      from: from.config.target,
      fromProtected: from.protected,
      subset: opts.all ? null : opts.subset ? parseSubset(opts.subset) : undefined,
      copy: ctx.config.copy,
      testdb: opts.testdb,
      keep: opts.keep,
      jobs: opts.jobs,
      allowDrift: opts.allowDrift,
      strict,
      ...guardOptions(opts),
      signal,
      onEvent: (event) => renderCopyEvent(ctx, event),
    })).catch((error) => {
      // The copy removed what it made: an interruption is reported as the copy's (exit 3).
      throw isDbctlError(error) && error.code === 'interrupted' ? flows.copyInterrupted(error) : error;
    });
    ctx.out.status(undefined);
    ctx.out.result({ ok: true, ...report });
    renderCopy(ctx, report);
  });
}

function positive(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a whole number of 1 or more, got "${value}"`);
  return n;
}

/**
 * One side of the copy: a URL as given (protected when its host is a productionHosts one), or an
 * environment of the config with its own URL and protection.
 */
async function sideOf(ctx: CommandContext, value: string, option: string) {
  const { resolveConfig, withUrl } = await import('../../config/resolve.js');
  if (/^[a-z]+:/i.test(value)) {
    const config = withUrl(ctx.config, value);
    const { findProductionHost } = await import('../../guard/index.js');
    const { networkHostOf } = await import('../../driver/target.js');
    const host = networkHostOf(config.target);
    const match = host === undefined ? undefined : await findProductionHost(host, config.productionHosts);
    return { config, protected: match !== undefined || ctx.config.protected };
  }
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new UsageError(`${option} must be an environment name or a database URL, got "${value}"`);
  const config = await resolveConfig({ cwd: ctx.globals.cwd, configFile: ctx.globals.config, env: value, connectTimeout: ctx.globals.connectTimeout });
  return { config, protected: config.protected };
}

/** `table:where` or `table:N%`. */
export function parseSubset(specs: string | string[]) {
  const start = [specs].flat().map((spec) => {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new UsageError(`--subset "${spec}": expected table:where or table:N%`);
    const table = spec.slice(0, colon);
    const rest = spec.slice(colon + 1).trim();
    const percent = /^(\d+(\.\d+)?)\s*%$/.exec(rest);
    if (percent) {
      const n = Number(percent[1]);
      if (!(n > 0 && n <= 100)) throw new UsageError(`--subset "${spec}": the percentage must be above 0 and at most 100`);
      return { table, percent: n };
    }
    return { table, where: rest, given: `--subset "${spec}"` };
  });
  return { start };
}
