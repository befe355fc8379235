import type { ResetReport, SequenceRef, TableRef } from '../../reset/index.js';
import type { CommandContext } from '../context.js';

export function renderReset(ctx: CommandContext, report: ResetReport): void {
  const { out } = ctx;
  const c = out.color;
  const name = (t: TableRef) => (report.schemas.length > 1 ? `${t.schema}.${t.table}` : t.table);
  const list = (tables: TableRef[]) => tables.map(name).join(', ') || '(none)';
  const verb = report.dryRun ? 'would truncate' : 'truncated';
  out.line(`${c.green(verb)} ${report.truncated.length} table(s) in ${report.schemas.join(', ')}${report.truncated.length ? ' (identities restarted)' : ''}: ${list(report.truncated)}`);
  if (report.sequences.length) {
    const seq = (s: SequenceRef) => (report.schemas.length > 1 || s.schema !== report.schemas[0] ? `${s.schema}.${s.sequence}` : s.sequence);
    out.line(`${report.dryRun ? 'would restart' : 'restarted'} ${report.sequences.length} sequence(s) no column owns: ${report.sequences.map(seq).join(', ')}`);
  }
  out.line(c.dim(`kept: ${list(report.kept)}`));
  // Tables outside the managed schemas: the user did not ask for them, so this is a warning.
  if (report.cascaded.length) out.warn(`also emptied, as they reference emptied tables: ${report.cascaded.map((t) => `${t.schema}.${t.table}`).join(', ')}`);
}
