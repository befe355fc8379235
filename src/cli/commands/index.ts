import type { Command } from 'commander';

/** Command groups beyond migrate and config: each capability registers its own (one file each). */
export function registerExtra(program: Command): void {
  void program;
}
