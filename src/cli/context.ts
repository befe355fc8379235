import type { Command } from 'commander';
import type { ConfigOverrides, ResolvedConfig } from '../config/resolve.js';
import type { Database } from '../driver/database.js';
import type { Observer } from '../driver/observe.js';
import type { Target } from '../driver/target.js';
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
export async function announceTarget(ctx: CommandContext, url: string | Target | undefined = ctx.config.url, source = ctx.config.urlOrigin): Promise<void> {
  const { parseTarget, describeTarget } = await import('../driver/target.js');
  const { redactUrl } = await import('../secrets.js');
  const target = typeof url === 'object' ? url : url === ctx.config.url ? ctx.config.target : parseTarget(url, ctx.config.cwd);
  ctx.out.target({ url: redactUrl(target.url), description: describeTarget(target), env: ctx.config.env, source });
}

/**
 * The CLI's observer, handed to every core call that opens a database: it names the target
 * (`source`: where its URL came from, default the config's), notes a first run and a lock wait,
 * logs every query under -v, and shows a long operation's steps on the status line.
 */
export function observer(ctx: CommandContext, source?: string): Observer {
  return {
    opening: (target) => announceTarget(ctx, target, source),
    lockWait: (holder) => ctx.out.info(ctx.out.color.yellow(`waiting for the embedded database, open in pid ${holder.pid} since ${holder.since}`) + ` (up to ${ctx.config.lockTimeoutMs / 1000} s)`),
    firstRun: () => ctx.out.note('first run: preparing the embedded database (once per machine and PGlite version, a few seconds)'),
    query: ctx.out.verbose
      ? (event) => ctx.out.debug(`${event.level === 'error' ? 'failed' : 'sql'} (${event.queryDurationMillis.toFixed(1)} ms): ${event.query.sql.trim()}`)
      : undefined,
    progress: (step) => ctx.out.status(step),
  };
}

let output: Output | undefined;
/** One Output per process, so the top-level error handler flushes the same JSON document. */
export function currentOutput(globals?: GlobalOptions): Output {
  if (!output || globals) output = new Output({ json: globals?.json, verbose: globals?.verbose, quiet: globals?.quiet, color: globals?.color });
  return output;
}

/** Opens the configured database (or `url`; `source` says where it came from), runs `fn`, and always closes it. */
export async function withDatabase<T>(ctx: CommandContext, fn: (database: Database) => Promise<T>, url = ctx.config.url, source?: string): Promise<T> {
  const { withDatabaseFor } = await import('../driver/open-for.js');
  return withDatabaseFor(ctx.config, 'command', fn, { url, observe: observer(ctx, source) });
}
