import { parentPort, workerData } from 'node:worker_threads';
import type { BookkeepingNames } from '../catalog/bookkeeping.js';
import { withDatabaseFor, type DatabaseSettings } from '../driver/open-for.js';
import { parseTarget } from '../driver/target.js';
import type { SchemaSource } from './source.js';
import { loadSchemaSnapshot } from './load-schema.js';
import type { DesiredReply } from './desired-in-worker.js';

/**
 * The worker thread desired-in-worker.ts starts: loads the schema's files into an embedded scratch
 * database in memory (its own PGlite, in this thread) and posts back the snapshot, or the error as
 * plain fields (an Error's class does not cross threads).
 */
export interface DesiredJob {
  settings: Omit<DatabaseSettings, 'target'>;
  files: SchemaSource['files'];
  migrations: BookkeepingNames;
}

async function run(job: DesiredJob): Promise<DesiredReply> {
  try {
    const target = parseTarget('pglite://memory', job.settings.cwd);
    const snapshot = await withDatabaseFor({ ...job.settings, target }, 'throwaway', (database) => loadSchemaSnapshot(database, job.files, job.migrations));
    return { snapshot };
  } catch (error) {
    const e = error as Error & { code?: string; hint?: string; data?: unknown; failureReport?: string; cause?: { code?: unknown; message?: unknown } };
    const cause = e.cause && { code: e.cause.code, message: e.cause.message };
    return { error: { name: e.name, message: e.message, stack: e.stack, code: e.code, hint: e.hint, data: e.data, failureReport: e.failureReport, cause } };
  }
}

if (parentPort && workerData?.desiredJob) {
  const port = parentPort;
  void run(workerData.desiredJob as DesiredJob).then((reply) => {
    try {
      port.postMessage(reply);
    } catch (error) {
      // A field that cannot be cloned: the message and class still cross.
      const e = 'error' in reply ? reply.error : { name: 'Error', message: (error as Error).message };
      port.postMessage({ error: { name: e.name, message: e.message, code: e.code, hint: e.hint } });
    }
  });
}
