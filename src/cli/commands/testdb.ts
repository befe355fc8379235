import type { Command } from 'commander';

export function registerTestdb(program: Command): void {
  void program;
}
