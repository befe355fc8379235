import type { Command } from 'commander';

export function registerSummary(program: Command): void {
  void program;
}
