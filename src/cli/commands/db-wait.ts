import type { Command } from 'commander';

export function registerDbWait(program: Command): void {
  void program;
}
