import path from 'node:path';
import type { BackupReport, PruneReport, RestoreReport, Verification } from '../../backup/index.js';
import type { CommandContext } from '../context.js';
import { table } from '../output.js';

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export function renderBackup(ctx: CommandContext, report: BackupReport): void {
  const { out } = ctx;
  const m = report.manifest;
  const rel = (f: string) => path.relative(ctx.config.cwd, f);
  out.result({ ok: true, file: rel(report.file), manifestFile: rel(report.manifestFile), format: m.format, content: m.content, bytes: m.bytes, tables: m.tables.length, rows: m.tables.reduce((n, t) => n + (t.rows ?? 0), 0), serverVersion: m.serverVersion, durationMs: report.durationMs, warnings: report.warnings, ...(m.distributed ? { distributed: m.distributed } : {}) });
  out.line(`${out.color.green('backed up')} ${m.database} to ${rel(report.file)} (${m.format}, ${m.content}, ${bytes(m.bytes)})`);
  out.line(`manifest ${rel(report.manifestFile)}: ${m.tables.length} table(s)${m.content === 'schema-only' ? '' : `, ${m.tables.reduce((n, t) => n + (t.rows ?? 0), 0)} row(s) hashed`}`);
  out.line(`time: dump ${seconds(report.durationMs.dump)}, manifest ${seconds(report.durationMs.manifest)}, total ${seconds(report.durationMs.total)}`);
  for (const w of report.warnings) out.warn(w);
}

export function renderRestore(ctx: CommandContext, report: RestoreReport): void {
  const how = report.method === 'pg_restore' && report.rowsLoadedBy === 'dbctl' ? "pg_restore (schema, indexes, keys) and dbctl's loader (the rows)" : report.method;
  ctx.out.line(`restored ${path.relative(ctx.config.cwd, report.file)} into ${report.target} with ${how}${report.cleaned ? ' (cleaned first)' : ''}`);
  if (report.createdRoles.length) ctx.out.warn(`created missing role(s) ${report.createdRoles.join(', ')} as NOLOGIN: roles are not part of a dump; give them their real attributes`);
  const read = report.tables - report.hashedAsLoaded;
  renderVerification(ctx, report, { file: path.relative(ctx.config.cwd, report.file) }, report.hashedAsLoaded ? ` (${report.hashedAsLoaded} hashed as they loaded${read ? `, ${read} read back` : ''})` : '');
  const d = report.durationMs;
  ctx.out.line(`time: restore ${seconds(d.restore)}, verify ${seconds(d.verify)}, total ${seconds(d.total)}`);
}

/** The verification part of `restore` and `backup verify`; sets the --json document. */
export function renderVerification(ctx: CommandContext, report: Verification, extra: Record<string, unknown>, how = ''): void {
  const { out } = ctx;
  const c = out.color;
  const ok = report.differences.length === 0;
  out.result({ ok, ...report, ...extra });
  for (const w of report.warnings) out.warn(w);
  if (ok) out.line(c.green(`verified ${report.tables} table(s), ${report.rows} row(s) against the manifest: identical${how}`));
  else {
    out.line(c.red(`${report.differences.length} table(s) differ from the manifest:`));
    const rows = [['table', 'problem', 'expected', 'actual']];
    for (const d of report.differences) rows.push([d.table, d.problem, String(d.expected ?? ''), String(d.actual ?? '')]);
    out.line(table(rows, c));
  }
}

export function renderPrune(ctx: CommandContext, report: PruneReport): void {
  const { out } = ctx;
  const rel = (f: string) => path.relative(ctx.config.cwd, f);
  out.result({ ok: true, dryRun: report.dryRun, removed: report.removed.map((b) => ({ ...b, file: rel(b.file) })), kept: report.kept.map((b) => ({ ...b, file: rel(b.file) })) });
  for (const b of report.removed) out.line(`${report.dryRun ? 'would delete' : 'deleted'} ${rel(b.file)} (${b.createdAt})`);
  out.line(`${report.dryRun ? 'would delete' : 'deleted'} ${report.removed.length} backup(s), kept ${report.kept.length}`);
}
