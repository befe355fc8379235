import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { openDatabase } from '../../src/driver/database.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { initProject } from '../../src/init/index.js';
import { schemaOutputConfig, writeSchemaDump } from '../../src/schema/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { ROOT, tempProject } from '../helpers/cli.js';

/** An empty folder whose node_modules has what an installed project has: dbctl and kysely. */
function installedProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-init-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules/dbctl'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules/kysely'), path.join(dir, 'node_modules/kysely'), 'dir');
  return dir;
}

/** `dbctl init --schema` and `schema dump --out schema/`: the two ways a schema folder starts. */
describe('the schema folder migrate diff reads', () => {
  it('init --schema writes the schema the first migration builds: migrate diff --check agrees from the start', async () => {
    const cwd = installedProject();
    const report = initProject({ cwd, schema: true });
    expect(report.files.map((f) => `${f.action} ${f.path}`)).toContain('created schema/schema.sql');
    const config = await resolveConfig({ cwd, environ: {}, database: false });
    const check = await migrateDiff(config, { mode: 'check' });
    expect(check.diff?.equal).toBe(true);
    // A second run keeps what is there.
    expect(initProject({ cwd, schema: true }).files).toContainEqual({ path: 'schema/', action: 'skipped', detail: 'has 1 file(s)' });
  }, 300_000);

  it('init --schema next to migrations of its own says how to seed the folder from them; without --schema nothing', () => {
    const cwd = tempProject({ 'migrations/001_notes.sql': '-- migrate:up\ncreate table notes (id int);\n-- migrate:down\ndrop table notes;\n' });
    const report = initProject({ cwd, schema: true, schemaDir: 'db/schema' });
    expect(report.next).toContain('npx dbctl schema dump --from-migrations --out db/schema/');
    expect(fs.existsSync(path.join(cwd, 'db/schema'))).toBe(false);
    const other = tempProject();
    expect(initProject({ cwd: other }).files.map((f) => f.path)).not.toContain('schema/schema.sql');
  });

  it.each(backends)('schema dump --out schema/ seeds the folder from an existing database ($name)', async (backend) => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' } }), 'migrations/.keep': '' });
    const config = await resolveConfig({ cwd, url: t.url, environ: {} });
    const database = await openDatabase({ url: t.url, cwd });
    try {
      await database.session((client) => client.script('create table notes (id int primary key, body text not null);'));
      await writeSchemaDump(database, schemaOutputConfig(config), { out: 'schema/' });
    } finally {
      await database.close();
    }
    const dumped = fs.readFileSync(path.join(cwd, 'schema/schema.sql'), 'utf8');
    expect(dumped).toContain('CREATE TABLE public.notes');
    // The live database's schema, diffed against itself, plans nothing: the folder holds it whole.
    const same = await migrateDiff(config, { mode: 'dry-run', fromUrl: t.url });
    expect(same.up).toEqual([]);
  }, 300_000);
});
