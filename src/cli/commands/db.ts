import type { Command } from 'commander';

export function registerDbLifecycle(program: Command): void {
  void program;
}
