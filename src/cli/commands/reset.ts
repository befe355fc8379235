import type { Command } from 'commander';

export function registerReset(program: Command): void {
  void program;
}
