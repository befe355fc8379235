import type { Command } from 'commander';
import { UsageError } from '../../errors.js';

/**
 * kysely-ctl's words that are not aliases of dbctl's (`migrate latest`, `rollback`, `list`, `make`
 * are): each is a hidden command that names dbctl's word (exit 2) instead of commander's "unknown
 * command", so a muscle-memory `seed:run` says what to type. kysely-ctl 0.20's command names.
 */
const WORDS: Record<string, string> = {
  'migrate:latest': 'migrate up',
  'migrate:up': 'migrate up --step 1',
  'migrate:down': 'migrate down',
  'migrate:rollback': 'migrate down',
  'migrate:list': 'migrate status',
  'migrate:make': 'migrate new <name>',
  'seed:run': 'seed',
  'seed:make': 'seed new <name>',
};
const SEED_WORDS: Record<string, string> = { run: 'seed', make: 'seed new <name>' };

export function registerKyselyCtlWords(program: Command): void {
  for (const [word, ours] of Object.entries(WORDS)) refuse(program, word, word, ours);
  const seed = program.commands.find((c) => c.name() === 'seed');
  if (seed) for (const [word, ours] of Object.entries(SEED_WORDS)) refuse(seed, word, `seed ${word}`, ours);
}

function refuse(parent: Command, word: string, theirs: string, ours: string): void {
  parent
    .command(word, { hidden: true })
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(() => {
      throw new UsageError(`'${theirs}' is kysely-ctl's word; dbctl's word is 'dbctl ${ours}'`);
    });
}
