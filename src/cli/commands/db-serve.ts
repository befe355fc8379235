import type { Command } from 'commander';
import { wholeNumber } from '../options.js';
import { announceTarget, commandContext, observer } from '../context.js';

export function registerDbServe(db: Command): void {
  db.command('serve')
    .description('serve the embedded database over the Postgres wire protocol until Ctrl-C, printing its postgres:// URL (for pg, Prisma, psql)')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', wholeNumber('--port'))
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      await announceTarget(ctx);
      const { serveEmbedded } = await import('../../serve/index.js');
      const served = await serveEmbedded({
        target: ctx.config.target,
        cwd: ctx.config.cwd,
        port: opts.port ?? 0,
        keepAlive: true,
        lockTimeoutMs: ctx.config.lockTimeoutMs,
        statementTimeoutMs: ctx.config.statementTimeoutMs,
        observe: { firstRun: observer(ctx).firstRun },
      });
      // The URL is the one line on stdout (a script reads it); the rest is for the person watching.
      ctx.out.line(served.url);
      ctx.out.info(ctx.out.color.dim(`serving ${served.embeddedUrl}; one session shared by every connection; Ctrl-C stops`));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await served.close();
      ctx.out.result({ ok: true, url: served.url, embeddedUrl: served.embeddedUrl });
    });
}
