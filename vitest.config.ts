import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import SlowestFirst from './tests/helpers/sequencer.js';

// Test scratch (project folders, embedded databases, the PGlite base image they are copied from) goes
// to a per-run folder on tmpfs where the machine has one: copying a 39 MB embedded database took
// ~1.1 s of kernel time on this machine's ext4 and ~0.09 s on /dev/shm, and the suite copies hundreds.
// Set here, before the workers fork, so they and every spawned CLI inherit it; removed when vitest
// exits (this is its main process), whether or not the run got as far as its global setup.
// DBCTL_TEST_TMP=0 keeps the system's temp directory.
if (!process.env.DBCTL_TEST_SCRATCH && process.env.DBCTL_TEST_TMP !== '0') {
  const shm = '/dev/shm';
  const base = isWritableDir(shm) ? shm : os.tmpdir();
  const scratch = fs.mkdtempSync(path.join(base, 'dbctl-tests-'));
  process.env.DBCTL_TEST_SCRATCH = scratch;
  process.env.TMPDIR = scratch;
  process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
}

function isWritableDir(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: two workers keep the PGlite-heavy suite busy without thrashing.
    maxWorkers: 2,
    // As the CLI does (src/driver/pglite/module.ts): no background tier-up of the embedded database's
    // WebAssembly, which took ~40 % of the CPU of a short embedded run and made nothing faster.
    execArgv: ['--liftoff-only'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    sequence: { sequencer: SlowestFirst },
  },
});
