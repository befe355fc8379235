import type { Step } from './step.js';

/** One statement with its hazards in a comment above it. */
function statement(s: Step): string {
  const hazards = s.hazards.length ? `-- hazards: ${s.hazards.join(', ')}\n` : '';
  return `${hazards}${s.sql}`;
}

function section(direction: 'up' | 'down', steps: Step[]): string {
  // dbmate's format has one transaction mode per section: one statement that a transaction
  // refuses (CONCURRENTLY) or that must commit on its own (VALIDATE after NOT VALID) makes the
  // whole section run statement by statement.
  const transactional = steps.every((s) => s.transaction);
  const marker = `-- migrate:${direction}${transactional ? '' : ' transaction:false'}`;
  return [marker, ...steps.map(statement)].join('\n\n');
}

/** The migration file: dbmate's `-- migrate:up` / `-- migrate:down` sections, the down being the reverse plan. */
export function renderMigration(up: Step[], down: Step[], source: string): string {
  const header = [
    `-- Written by \`dbctl migrate diff\` from ${source}; verified on a scratch database (up, then down).`,
    '-- Each statement lists its hazards above it; a `dbctl:data-check` block refuses, with a count, data the next step cannot take.',
    '',
  ].join('\n');
  return `${header}\n${section('up', up)}\n\n${section('down', down)}\n`;
}
