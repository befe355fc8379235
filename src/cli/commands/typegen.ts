import type { Command } from 'commander';

export function registerTypegen(program: Command): void {
  void program;
}
