import type { Command } from 'commander';

export function registerBackup(program: Command): void {
  void program;
}
