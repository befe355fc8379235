import type { Command } from 'commander';
import type { ConfigOverrides, ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import { Output } from './output.js';
import { stdoutToStderr } from './stdout-to-stderr.js';
import { withOpen } from '../with-open.js';

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  url?: string;
  env?: string;
  config?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  /** --color (true) / --no-color (false); undefined: detect (NO_COLOR, FORCE_COLOR, a terminal). */
  color?: boolean;
  connectTimeout?: string;
  cwd?: string;
}

export interface CommandContext {
  out: Output;
  config: ResolvedConfig;
  globals: GlobalOptions;
}

/** The merged global options of a (sub)command. */
export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

export async function commandContext(command: Command, extra: ConfigOverrides = {}): Promise<CommandContext> {
  const globals = globalsOf(command);
  const out = currentOutput(globals);
  // Loaded here, not at the top: `dbctl --help` must not pay for config loading or kysely.
  const { resolveConfig } = await import('../config/resolve.js');
  // The config is the user's code: what it prints while it loads must not land in stdout (--json).
  const config = await stdoutToStderr(() => resolveConfig({
    cwd: globals.cwd,
    configFile: globals.config,
    env: globals.env,
    url: globals.url,
    connectTimeout: globals.connectTimeout,
    ...extra,
  }));
  const { takeConfigCacheNote } = await import('../config/config-cache.js');
  const note = takeConfigCacheNote();
  if (note) out.info(out.color.dim(`note: ${note}`));
  return { out, config, globals };
}

/** Says which database the command is about to touch (see Output.target). */
export async function announceTarget(ctx: CommandContext, url = ctx.config.url, source = ctx.config.urlOrigin): Promise<void> {
  const { parseTarget, describeTarget } = await import('../driver/target.js');
  const { redactUrl } = await import('../secrets.js');
  const target = url === ctx.config.url ? ctx.config.target : parseTarget(url, ctx.config.cwd);
  ctx.out.target({ url: redactUrl(target.url), description: describeTarget(target), env: ctx.config.env, source });
}

let output: Output | undefined;
/** One Output per process, so the top-level error handler flushes the same JSON document. */
export function currentOutput(globals?: GlobalOptions): Output {
  if (!output || globals) output = new Output({ json: globals?.json, verbose: globals?.verbose, quiet: globals?.quiet, color: globals?.color });
  return output;
}

/**
 * Opens the configured database, runs `fn`, and always closes it. `kysely: false` for commands
 * whose core loads Kysely only when it needs it (migrate, reset): they start faster.
 */
export async function withDatabase<T>(ctx: CommandContext, fn: (database: Database) => Promise<T>, url = ctx.config.url, options: { kysely?: boolean; source?: string } = {}): Promise<T> {
  await announceTarget(ctx, url, options.source);
  const { openDatabaseFor } = await import('../driver/open-for.js');
  const database = await openDatabaseFor(ctx.config, 'command', {
    url,
    onLockWait: (holder) => ctx.out.info(ctx.out.color.yellow(`waiting for the embedded database, open in pid ${holder.pid} since ${holder.since}`) + ` (up to ${ctx.config.lockTimeoutMs / 1000} s)`),
    kysely: options.kysely,
    onFirstRun: () => ctx.out.note('first run: preparing the embedded database (once per machine and PGlite version, a few seconds)'),
    onQuery: ctx.out.verbose
      ? (event) => ctx.out.debug(`${event.level === 'error' ? 'failed' : 'sql'} (${event.queryDurationMillis.toFixed(1)} ms): ${event.query.sql.trim()}`)
      : undefined,
  });
  return withOpen(database, fn);
}
