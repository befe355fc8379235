import path from 'node:path';
import { Option, type Command } from 'commander';
import type { BackupReport, PruneReport, RestoreReport, Verification } from '../../backup/index.js';
import { parseDuration } from '../../config/duration.js';
import { UsageError } from '../../errors.js';
import { commandContext, withDatabase, type CommandContext } from '../context.js';
import { addGuardOptions, guardDestructive } from '../guard.js';
import { table } from '../output.js';
import { positiveInt } from '../parse.js';

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description('dump the database with a verified manifest (row counts, content hashes, versions)')
    .option('--out <file>', 'dump file (default: <backups.dir>/<database>-<UTC timestamp>.dump|.sql)')
    .addOption(new Option('--format <format>', 'custom (pg_restore) or plain SQL; default custom on a server, plain on PGlite').choices(['custom', 'plain']))
    .option('--schema-only', 'dump only the schema')
    .option('--data-only', 'dump only the data')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command);
      const { backupDatabase } = await import('../../backup/index.js');
      await withDatabase(ctx, async (database) => {
        const report = await backupDatabase({ database, config: ctx.config, out: opts.out, format: opts.format, schemaOnly: opts.schemaOnly, dataOnly: opts.dataOnly, onProgress: (step) => ctx.out.status(step) });
        ctx.out.status(undefined);
        renderBackup(ctx, report);
      });
    });

  backup
    .command('prune')
    .description('delete old backups (by their manifests): keep the newest N per database and/or drop those older than a duration')
    .option('--keep <n>', 'keep the newest N backups of each database', positiveInt('--keep'))
    .option('--older-than <duration>', 'delete backups older than this (e.g. 7d, 12h)')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .action(async (opts, command: Command) => {
      const ctx = await commandContext(command, { database: false });
      const { pruneBackups } = await import('../../backup/index.js');
      const olderThanMs = opts.olderThan === undefined ? undefined : parseDuration(opts.olderThan, '--older-than');
      renderPrune(ctx, pruneBackups({ dir: ctx.config.backups.dir, keep: opts.keep, olderThanMs, dryRun: opts.dryRun }));
    });

  backup
    .command('verify <file>')
    .description('compare the database with a backup\'s manifest (row counts, content hashes); exit 1 on a difference')
    .action(async (file: string, _opts, command: Command) => {
      const ctx = await commandContext(command);
      const { readManifest, verifyAgainstManifest, BackupVerificationError } = await import('../../backup/index.js');
      const manifest = readManifest(path.resolve(ctx.config.cwd, file));
      await withDatabase(ctx, async (database) => {
        const started = performance.now();
        ctx.out.status(`verifying ${manifest.tables.length} table(s) against the manifest`);
        const verification = await verifyAgainstManifest(database, manifest);
        ctx.out.status(undefined);
        const durationMs = { verify: Math.round(performance.now() - started) };
        renderVerification(ctx, verification, { durationMs });
        ctx.out.line(`time: verify ${seconds(durationMs.verify)}`);
        if (verification.differences.length) throw new BackupVerificationError(verification);
      });
    });

  const restore = program
    .command('restore <file>')
    .description('restore a backup, then verify row counts and content hashes against its manifest (exit 1 on a difference)')
    .option('--into <url>', 'restore into this database instead of the configured one')
    .option('--create <name>', 'create a new database NAME on the configured server (PGlite: a new directory) and restore into it')
    .option('--clean', 'replace the contents of a non-empty database (drops its schemas first)');
  addGuardOptions(restore, 'allow --clean in a protected environment (with --confirm)')
    .action(async (file: string, opts, command: Command) => {
      if (opts.into && opts.create) throw new UsageError('choose one of --into and --create');
      const ctx = await commandContext(command);
      const { restoreBackup, BackupVerificationError } = await import('../../backup/index.js');
      let url = opts.into ?? ctx.config.url;
      let created: import('../../backup/target.js').RestoreTarget | undefined;
      if (opts.create) {
        const { createRestoreTarget } = await import('../../backup/target.js');
        created = await createRestoreTarget(opts.create, { url: ctx.config.url, cwd: ctx.config.cwd, connectTimeoutMs: ctx.config.connectTimeoutMs });
        url = created.url;
      }
      try {
        await withDatabase(ctx, async (database) => {
          try {
            const guard = (operation: string) => guardDestructive(ctx, database.target, operation, opts);
            const report = await restoreBackup({ file: path.resolve(ctx.config.cwd, file), database, config: ctx.config, clean: opts.clean, guard, onProgress: (step) => ctx.out.status(step) });
            ctx.out.status(undefined);
            renderRestore(ctx, report);
          } catch (error) {
            if (error instanceof BackupVerificationError && 'method' in error.report) renderRestore(ctx, error.report);
            throw error;
          }
        }, url, { source: opts.create ? '--create' : opts.into ? '--into' : undefined });
      } catch (error) {
        // A restore that failed must not leave the new database behind. One that restored but does
        // not match its manifest is kept: it is what the user needs to look at.
        if (created && !(error instanceof BackupVerificationError)) {
          await created.discard().then(
            () => ctx.out.info(`removed ${opts.create}, which --create had made for this restore`),
            (e) => ctx.out.warn(`could not remove ${opts.create} after the failed restore: ${(e as Error).message}`),
          );
        }
        throw error;
      }
    });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function renderBackup(ctx: CommandContext, report: BackupReport): void {
  const { out } = ctx;
  const m = report.manifest;
  const rel = (f: string) => path.relative(ctx.config.cwd, f);
  out.result({ ok: true, file: rel(report.file), manifestFile: rel(report.manifestFile), format: m.format, content: m.content, bytes: m.bytes, tables: m.tables.length, rows: m.tables.reduce((n, t) => n + (t.rows ?? 0), 0), serverVersion: m.serverVersion, durationMs: report.durationMs, warnings: report.warnings, ...(m.distributed ? { distributed: m.distributed } : {}) });
  out.line(`${out.color.green('backed up')} ${m.database} to ${rel(report.file)} (${m.format}, ${m.content}, ${bytes(m.bytes)})`);
  out.line(`manifest ${rel(report.manifestFile)}: ${m.tables.length} table(s)${m.content === 'schema-only' ? '' : `, ${m.tables.reduce((n, t) => n + (t.rows ?? 0), 0)} row(s) hashed`}`);
  out.line(`time: dump ${seconds(report.durationMs.dump)}, manifest ${seconds(report.durationMs.manifest)}, total ${seconds(report.durationMs.total)}`);
  for (const w of report.warnings) out.warn(w);
}

function renderRestore(ctx: CommandContext, report: RestoreReport): void {
  ctx.out.line(`restored ${path.relative(ctx.config.cwd, report.file)} into ${report.target} with ${report.method}${report.cleaned ? ' (cleaned first)' : ''}`);
  if (report.createdRoles.length) ctx.out.warn(`created missing role(s) ${report.createdRoles.join(', ')} as NOLOGIN: roles are not part of a dump; give them their real attributes`);
  renderVerification(ctx, report, { file: path.relative(ctx.config.cwd, report.file) });
  const d = report.durationMs;
  ctx.out.line(`time: restore ${seconds(d.restore)}, verify ${seconds(d.verify)}, total ${seconds(d.total)}`);
}

/** The verification part of `restore` and `backup verify`; sets the --json document. */
function renderVerification(ctx: CommandContext, report: Verification, extra: Record<string, unknown>): void {
  const { out } = ctx;
  const c = out.color;
  const ok = report.differences.length === 0;
  out.result({ ok, ...report, ...extra });
  for (const w of report.warnings) out.warn(w);
  if (ok) out.line(c.green(`verified ${report.tables} table(s), ${report.rows} row(s) against the manifest: identical`));
  else {
    out.line(c.red(`${report.differences.length} table(s) differ from the manifest:`));
    const rows = [['table', 'problem', 'expected', 'actual']];
    for (const d of report.differences) rows.push([d.table, d.problem, String(d.expected ?? ''), String(d.actual ?? '')]);
    out.line(table(rows, c));
  }
}

function renderPrune(ctx: CommandContext, report: PruneReport): void {
  const { out } = ctx;
  const rel = (f: string) => path.relative(ctx.config.cwd, f);
  out.result({ ok: true, dryRun: report.dryRun, removed: report.removed.map((b) => ({ ...b, file: rel(b.file) })), kept: report.kept.map((b) => ({ ...b, file: rel(b.file) })) });
  for (const b of report.removed) out.line(`${report.dryRun ? 'would delete' : 'deleted'} ${rel(b.file)} (${b.createdAt})`);
  out.line(`${report.dryRun ? 'would delete' : 'deleted'} ${report.removed.length} backup(s), kept ${report.kept.length}`);
}
