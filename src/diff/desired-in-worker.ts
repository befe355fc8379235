import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BookkeepingNames } from '../catalog/bookkeeping.js';
import type { DatabaseSettings } from '../driver/open-for.js';
import { ERROR_CODES, errorFor, type DbctlErrorCode } from '../errors.js';
import type { SchemaSnapshot } from '../schema/model.js';
import type { DesiredJob } from './desired-worker.js';
import type { SchemaSource } from './source.js';

/** What desired-worker.ts posts back: the snapshot, or the error's fields. */
export type DesiredReply =
  | { snapshot: SchemaSnapshot }
  | { error: { name: string; message: string; stack?: string; code?: string; hint?: string; data?: unknown; failureReport?: string; cause?: { code?: unknown; message?: unknown } } };

/**
 * The worker's module, from the tsc output beside this file's package (dist/diff/desired-worker.js),
 * which both the library (dist/diff/) and the CLI bundle (dist/cli-bundle/) find there. None when
 * dbctl runs from its TypeScript sources (the tests): then the desired schema loads in this thread.
 */
function workerFile(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return undefined;
  for (let dir = path.dirname(here); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'dist', 'diff', 'desired-worker.js');
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Whether the desired schema can load in a worker thread, beside the current one in this thread:
 * two PGlite instances, each one thread of WebAssembly, on two cores. On one core a thread would
 * only add its start-up.
 */
export function desiredWorkerAvailable(): boolean {
  return os.availableParallelism() > 1 && workerFile() !== undefined;
}

/**
 * Loads the desired schema on an embedded scratch database in a worker thread (desired-worker.ts)
 * and returns its snapshot; an error comes back as the error the main thread would have thrown
 * (same class, code, message naming file:line:col, hint, data, and the SQLSTATE of its cause).
 */
export async function desiredInWorker(settings: DatabaseSettings, files: SchemaSource['files'], migrations: BookkeepingNames): Promise<SchemaSnapshot> {
  // First, in this thread: the base image, made once per machine (two threads must not both make
  // it), and PGlite's module, whose loading sets V8's WebAssembly flags for the process (module.ts).
  const [{ Worker }, { pgliteBaseImage }, { loadPglite }] = await Promise.all([import('node:worker_threads'), import('../driver/pglite/image.js'), import('../driver/pglite/module.js')]);
  await Promise.all([pgliteBaseImage(), loadPglite()]);
  const { target: _target, ...rest } = settings;
  const job: DesiredJob = {
    settings: { cwd: rest.cwd, connectTimeoutMs: rest.connectTimeoutMs, statementTimeoutMs: rest.statementTimeoutMs, lockTimeoutMs: rest.lockTimeoutMs, poolSize: rest.poolSize },
    files,
    migrations: { schema: migrations.schema, table: migrations.table, lockTable: migrations.lockTable, historyTable: migrations.historyTable },
  };
  const worker = new Worker(workerFile()!, { workerData: { desiredJob: job } });
  const reply = await new Promise<DesiredReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker loading the desired schema exited (code ${code}) before it answered`)));
  });
  if ('snapshot' in reply) return reply.snapshot;
  const { error } = reply;
  if (error.code && error.code in ERROR_CODES) {
    throw errorFor(error.code as DbctlErrorCode, error.message, { hint: error.hint, data: error.data as Record<string, unknown> | undefined, failureReport: error.failureReport, cause: error.cause });
  }
  throw Object.assign(new Error(error.message), { name: error.name, stack: error.stack });
}
