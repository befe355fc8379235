import { sizeText } from '../lint/large-tables.js';
import { declaredRules } from './lint-declared.js';
import type { Step } from './step.js';

/** One statement with its hazards in a comment above it, and the lint rules those hazards answer for. */
function statement(s: Step): string {
  const size = s.size ? ` on ${s.size.relation} (${sizeText(s.size)})` : '';
  const hazards = s.hazards.length ? `-- hazards: ${s.hazards.join(', ')}${size}\n` : '';
  const rules = declaredRules(s);
  const ignore = rules.length ? `-- dbctl-lint-ignore ${rules.join(', ')} -- planned by migrate diff${s.hazards.length ? ' (hazards above)' : ''}\n` : '';
  return `${hazards}${ignore}${s.sql}`;
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
