import type { CopyEvent, CopyReport, Suggestion } from '../../flows/db-copy.js';
import type { CommandContext } from '../context.js';

const MB = 1024 * 1024;

/** 50,313: digits grouped by hand, as toLocaleString would: its first call loads ICU's locale data (~15 ms of a 0.6 s copy). */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The live line while a table streams: rows, MB/s and, when the row count is known, the ETA. */
export function renderCopyEvent(ctx: CommandContext, event: CopyEvent): void {
  if (event.type === 'progress') {
    const seconds = event.milliseconds / 1000;
    const rate = seconds > 0 ? event.bytes / MB / seconds : 0;
    const eta = event.expectedRows && event.rows && seconds > 0 ? ` ETA ${Math.max(0, Math.round(((event.expectedRows - event.rows) * seconds) / event.rows))} s` : '';
    ctx.out.status(`copying ${event.table}: ${count(event.rows)} rows, ${rate.toFixed(1)} MB/s${eta}`);
  } else if (event.type === 'table') {
    ctx.out.status(undefined);
    ctx.out.info(ctx.out.color.dim(`  ${event.table}: ${count(event.rows)} rows (${(event.bytes / MB).toFixed(1)} MB, ${(event.milliseconds / 1000).toFixed(1)} s)`));
  } else if (event.type === 'verified') {
    ctx.out.status(undefined);
    ctx.out.info(ctx.out.color.dim('  every foreign key checked: 0 violations'));
  }
}

export function renderCopy(ctx: CommandContext, report: CopyReport): void {
  const copied = report.tables.filter((t) => t.mode === 'all' || t.mode === 'subset');
  const rows = copied.reduce((n, t) => n + t.rows, 0);
  const masked = report.tables.reduce((n, t) => n + t.masked.length, 0);
  const kept = report.tables.filter((t) => t.mode === 'kept').map((t) => t.table);
  ctx.out.line(ctx.out.color.green(`copied ${count(rows)} rows in ${copied.length} table(s) from ${report.source} into ${report.target}`) +
    ` (${masked} masked column(s)${report.strict ? ', strict' : ''}${kept.length ? `, kept ${kept.join(', ')}` : ''}) in ${(report.milliseconds / 1000).toFixed(1)} s`);
}

export function renderSuggestions(ctx: CommandContext, suggestions: Suggestion[]): void {
  const rules = suggestions.filter((s) => s.rule !== 'safe');
  const safe = suggestions.filter((s) => s.rule === 'safe');
  ctx.out.line('// proposed for dbctl.config.ts: review every line before using it');
  ctx.out.line('copy: {');
  ctx.out.line('  mask: {');
  for (const s of rules) ctx.out.line(`    '${s.column}': '${s.rule}', // ${s.reason}`);
  ctx.out.line('  },');
  ctx.out.line('  safe: [');
  for (const s of safe) ctx.out.line(`    '${s.column}', // ${s.reason}`);
  ctx.out.line('  ],');
  ctx.out.line('},');
}
