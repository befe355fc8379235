import path from 'node:path';
import type { LintReport } from '../../lint/index.js';
import type { RoundTripResult } from '../../flows/round-trip.js';
import type { PeerAdoption } from '../../migrate/adopt-peers.js';
import { describeSession } from '../../migrate/lock.js';
import type { MigrateEvent, RunReport, StatusReport } from '../../migrate/migrator.js';
import type { CommandContext } from '../context.js';
import { table } from '../output.js';

export function renderMigrateEvent(ctx: CommandContext, event: MigrateEvent): void {
  const { out } = ctx;
  const c = out.color;
  switch (event.type) {
    case 'lock-wait': {
      const h = event.holder;
      out.info(c.yellow('waiting for the migration run lock') + (h ? ` held by ${describeSession(h)}` : ''));
      break;
    }
    case 'retry':
      out.info(c.yellow(`${event.retry.name}: lock_timeout (${event.retry.message}); retry ${event.retry.attempt} in ${event.retry.delayMs} ms`));
      break;
    case 'note':
      out.warn(event.message);
      break;
    case 'adopted':
      out.info(`adopted ${event.names.length} migration(s) applied by Kysely's Migrator (checksums recorded)`);
      break;
    case 'adopted-peer':
      for (const line of peerLines(event.adoption, 'adopted')) out.info(line);
      break;
    case 'done':
      out.status(undefined);
      if (out.json) break;
      // An empty section ran nothing: only the record of it changed, and the line says so.
      if (event.empty) out.line(`${c.green(event.direction === 'up' ? '↑ recorded ' : '↓ unrecorded')} ${event.name} ${c.dim(`(its ${event.direction} section is empty: nothing ran)`)}`);
      else out.line(`${c.green(event.direction === 'up' ? '↑ applied ' : '↓ reverted')} ${event.name} ${c.dim(`(${event.durationMs} ms)`)}`);
      break;
    case 'dry-run':
      if (!out.json) {
        out.line(c.cyan(`-- ${event.direction} ${event.name}${event.executed ? '' : ' (runs outside a transaction: not executed)'}`));
        for (const s of event.statements) out.line(s.trim().endsWith(';') ? s.trim() : `${s.trim()};`);
      }
      break;
    case 'start':
      out.status(`${event.direction === 'up' ? 'applying' : 'reverting'} ${event.name}${event.total && event.total > 1 ? ` (${event.index}/${event.total})` : ''}`);
      break;
  }
}

/** The closing line of a run: what it did, in the words of what happened (baselined, re-applied, nothing). */
export function renderRun(ctx: CommandContext, report: RunReport): void {
  const { out } = ctx;
  out.result({ ok: true, ...report });
  // A baseline runs nothing, so no event names its migrations: name each one it marked here, as up
  // names each one it applied (the summary alone said how many, not which).
  if (report.kind === 'baseline' && !report.dryRun) {
    for (const r of report.results) out.line(`${out.color.green('= baselined')} ${r.name} ${out.color.dim('(marked applied, not run)')}`);
  }
  out.line(runSummary(report, out.color.dim));
}

export function runSummary(report: RunReport, dim: (s: string) => string = (s) => s): string {
  const { results } = report;
  const ms = results.reduce((t, r) => t + (r.durationMs ?? 0), 0);
  const batch = report.batch ? ` (batch ${report.batch})` : '';
  if (report.dryRun) return dim(`dry run: ${results.length} migration(s), nothing changed`);
  if (report.kind === 'baseline') {
    return results.length
      ? `baselined ${results.length} migration(s) up to ${results[results.length - 1].name}: marked applied without running them${batch}`
      : 'nothing to baseline: every migration up to it is already applied';
  }
  if (report.kind === 'redo') {
    // A redo with nothing applied is refused (exit 2) before a report exists.
    const name = results[0].name;
    return `reverted ${name}, re-applied ${name} in ${ms} ms${batch}`;
  }
  if (results.length === 0) return report.direction === 'up' ? 'nothing to apply: the database is up to date' : 'nothing to revert';
  const empty = results.filter((r) => r.empty).length;
  const ran = `${report.direction === 'up' ? 'applied' : 'reverted'} ${results.length} migration(s) in ${ms} ms${batch}`;
  return empty ? `${ran}; ${empty} of them had an empty ${report.direction} section, so only the record changed` : ran;
}

export function renderStatus(ctx: CommandContext, report: StatusReport): void {
  const { out } = ctx;
  const c = out.color;
  out.result({
    migrations: report.migrations.map((m) => ({ ...m, file: m.file && path.relative(ctx.config.cwd, m.file) })),
    summary: report.summary,
    ...(report.adoptions ? { adoptions: report.adoptions } : {}),
  });
  if (out.json) return;
  for (const adoption of report.adoptions ?? []) for (const line of peerLines(adoption, 'adopts')) out.info(line);
  const colour = { applied: c.green, pending: c.yellow, modified: c.red, missing: c.red } as const;
  const rows = [['migration', 'state', 'applied at', 'duration', 'batch']];
  for (const m of report.migrations) {
    rows.push([
      m.name,
      colour[m.state](m.state + (m.unordered ? ' (unordered)' : '')),
      m.appliedAt ? m.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '',
      m.durationMs !== null ? `${m.durationMs} ms` : '',
      m.batch !== null ? String(m.batch) : '',
    ]);
  }
  if (report.migrations.length) out.line(table(rows, c));
  const s = report.summary;
  out.line(`${s.total} migration(s): ${c.green(`${s.applied} applied`)}, ${c.yellow(`${s.pending} pending`)}, ${s.modified ? c.red(`${s.modified} modified`) : '0 modified'}, ${s.missing ? c.red(`${s.missing} missing`) : '0 missing'}`);
}

export function renderLint(ctx: CommandContext, report: LintReport): void {
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

export function renderRoundTrip(ctx: CommandContext, r: RoundTripResult, describeSchemaDiff: typeof import('../../schema/diff-text.js').describeSchemaDiff): void {
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

/** Another tool's bookkeeping, adopted (or to be, by the next `up`): each migration, then what matched no file. */
function peerLines(a: PeerAdoption, verb: 'adopted' | 'adopts'): string[] {
  const head = verb === 'adopted'
    ? `adopted ${a.adopted.length} migration(s) applied by ${a.tool} (${a.table}): marked applied, checksums recorded`
    : `${a.adopted.length} migration(s) applied by ${a.tool} (${a.table}), shown as applied: the next \`dbctl migrate up\` adopts them`;
  return [
    head,
    ...a.adopted.map((m) => `  ${m.name}${m.version === m.name ? '' : ` (${a.tool} version ${m.version})`}`),
    ...(a.unmatched.length ? [`${a.unmatched.length} version(s) in ${a.table} match no migration file, left as they are: ${a.unmatched.join(', ')}`] : []),
  ];
}
