import { describe, expect, it } from 'vitest';
import { MigrationFailedError } from '../../../src/migrate/migrator.js';
import { backends } from '../../helpers/backends.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { serverHasVector } from '../../helpers/vector.js';
import { catalogSnapshot } from '../../example/catalog.js';
import { BEFORE_VECTOR, exampleDatabase, VECTOR_MIGRATION } from '../../example/helpers.js';

const BOOKKEEPING = ['dbctl_migration', 'kysely_migration', 'kysely_migration_lock'];

describe.each(backends)('example migrations on $name', (backend) => {
  it('down --all reverts everything (roles stay), and up again rebuilds the same catalog', async () => {
    const ex = await exampleDatabase(backend);
    try {
      const before = await catalogSnapshot(ex.db);
      const tables = ['courses', 'documents', 'enrollments', 'interactions', 'users', 'v_rag_documents', 'v_user_interactions'];
      expect(before.relations.map((r: any) => r.relname)).toEqual(expect.arrayContaining(ex.hasVector ? [...tables, 'document_chunks', 'v_rag_chunks'] : tables));
      expect(before.policies.length).toBe(9);
      expect(before.triggers.length).toBe(3);
      expect(before.functions.map((f: any) => f.proname)).toEqual(['app_user_id', 'set_updated_at']);
      expect(before.relations.find((r: any) => r.relname === 'interactions')).toMatchObject({ relrowsecurity: true, acl: expect.stringContaining('student_role=ar/') });
      if (ex.hasVector) expect(before.indexes.map((i: any) => i.indexname)).toContain('document_chunks_embedding_idx');

      const down = await ex.migrator.down({ all: true });
      expect(down.results.every((r) => r.status === 'success')).toBe(true);
      const empty = await catalogSnapshot(ex.db);
      expect(empty.relations.map((r: any) => r.relname)).toEqual(BOOKKEEPING);
      expect({ ...empty, relations: [], columns: [], constraints: [], indexes: [] }).toEqual({
        relations: [], columns: [], constraints: [], indexes: [], views: [], triggers: [], functions: [], policies: [], extensions: [],
      });

      // The roles survived down (another database may use them), so up meets existing roles here.
      await ex.migrator.up(ex.hasVector ? {} : { to: BEFORE_VECTOR });
      expect(await catalogSnapshot(ex.db)).toEqual(before);
    } finally {
      await ex.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('example migrations on a server without pgvector', () => {
  const serverUrl = process.env.TEST_DATABASE_URL!;

  it('stop at the vector migration with a message saying pgvector is missing and how to get it', async (ctx) => {
    if (await serverHasVector(serverUrl)) ctx.skip('the native server has pgvector: this checks the message a server without it gives');
    const ex = await exampleDatabase({ name: 'pg', serverUrl }, { migrate: false });
    try {
      const error = await ex.migrator.up().catch((e) => e);
      expect(error).toBeInstanceOf(MigrationFailedError);
      expect(error.failure.name).toBe(VECTOR_MIGRATION);
      expect(error.message).toContain('pgvector is missing');
      expect(error.message).toContain('pgvector/pgvector:pg16');
      expect(error.message).not.toContain('control file');
      const statuses = error.report.results.map((r: any) => r.status);
      expect(statuses).toEqual(['success', 'success', 'success', 'success', 'success', 'failed', 'not-run']);
      const status = await ex.migrator.status();
      expect(status.migrations.filter((m) => m.state === 'applied').pop()?.name).toBe(BEFORE_VECTOR);
    } finally {
      await ex.close();
    }
  });

  it('the CLI reports that message in one line and exits 1', async (ctx) => {
    if (await serverHasVector(serverUrl)) ctx.skip('the native server has pgvector: this checks the message a server without it gives');
    const ex = await exampleDatabase({ name: 'pg', serverUrl }, { migrate: false });
    try {
      const result = await runCli(['migrate', 'up'], { cwd: ROOT, env: { DATABASE_URL: ex.test.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/20261122170600_pgvector.*pgvector is missing.*docker compose up/);
      expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    } finally {
      await ex.close();
    }
  });
});

describe('dbctl migrate up on an embedded database', () => {
  it('builds the whole example database', async () => {
    const ex = await exampleDatabase({ name: 'pglite' }, { migrate: false });
    await ex.database.close();
    try {
      const result = await runCli(['migrate', 'up', '--json'], { cwd: ROOT, env: { DATABASE_URL: ex.test.url } });
      expect(result.code, result.stderr).toBe(0);
      const json = result.json();
      expect(json.ok).toBe(true);
      expect(JSON.stringify(json)).toContain('20261122170700_document_chunks');
    } finally {
      await ex.test.drop();
    }
  });
});
