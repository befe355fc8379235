import { afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/testing.js';

/**
 * The backends every integration test runs on: embedded PGlite always, and the native server when
 * TEST_DATABASE_URL is set (as in CI). Use with `describe.each(backends)`.
 */
export interface Backend {
  name: 'pglite' | 'pg';
  serverUrl?: string;
}

export const backends: Backend[] = [
  { name: 'pglite' },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'pg' as const, serverUrl: process.env.TEST_DATABASE_URL }] : []),
];

const created: TestDatabase[] = [];
afterEach(async () => {
  while (created.length) await created.pop()!.drop();
});

/** A new, empty database on `backend`, dropped after the test. */
export async function freshDatabase(backend: Backend): Promise<TestDatabase> {
  const db = await createTestDatabase({ serverUrl: backend.serverUrl });
  created.push(db);
  return db;
}
