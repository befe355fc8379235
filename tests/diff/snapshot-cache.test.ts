import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { migrateDiff } from '../../src/flows/migrate-diff.js';
import { tempProject } from '../helpers/cli.js';

/**
 * migrate diff's snapshot cache (src/diff/snapshot-cache.ts): a second run with nothing changed
 * builds no scratch database; any change to a schema file or a migration misses the cache, so a
 * cache never hides a change; a plan with steps is verified on a scratch database built afresh;
 * migrations whose result depends on more than their text are never cached. Embedded scratch
 * databases only: that is what migrate diff uses, whatever the configured database.
 */
const table = (extra = '') => `create table public.items (id bigint primary key, name text not null${extra});\n`;
const migration = (sql: string) => `-- migrate:up\n${sql}\n-- migrate:down\ndrop table public.items;\n`;

async function project(files: Record<string, string>) {
  const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' }, schema: { dir: 'schema' } }), ...files });
  const config = await resolveConfig({ cwd, database: false });
  return { cwd, config, write: (rel: string, text: string) => fs.writeFileSync(path.join(cwd, rel), text) };
}

describe('migrate diff snapshot cache', () => {
  it('a no-op reads both snapshots from the cache; an edited schema file or migration misses it', async () => {
    const p = await project({ 'schema/01_items.sql': table(), 'migrations/20260101000000_items.sql': migration(table()) });
    expect((await migrateDiff(p.config, { mode: 'check' })).sources).toEqual({ desired: 'built', current: 'built' });
    expect(fs.readdirSync(path.join(p.cwd, '.dbctl/schema-cache')).sort()).toEqual(['diff-current.json', 'diff-desired.json']);
    const warm = await migrateDiff(p.config, { mode: 'check' });
    expect(warm.sources).toEqual({ desired: 'cached', current: 'cached' });
    expect((await migrateDiff(p.config, { mode: 'dry-run' })).sources).toEqual({ desired: 'cached', current: 'cached' });

    // The schema file changes: the desired side is rebuilt and --check sees the difference.
    p.write('schema/01_items.sql', table(', note text'));
    await expect(migrateDiff(p.config, { mode: 'check' })).rejects.toMatchObject({ code: 'diff_pending' });
    // The plan now has a step: it is verified on a scratch database built from the migrations.
    const planned = await migrateDiff(p.config, { mode: 'dry-run' });
    expect(planned.sources).toEqual({ desired: 'cached', current: 'built' });
    expect(planned.up.map((s) => s.sql).join('\n')).toMatch(/ADD COLUMN note text/i);

    // The migration changes to match: the current side misses the cache and the two agree again.
    p.write('migrations/20260101000000_items.sql', migration(table(', note text')));
    expect((await migrateDiff(p.config, { mode: 'check' })).sources).toEqual({ desired: 'cached', current: 'built' });
    expect((await migrateDiff(p.config, { mode: 'check' })).sources).toEqual({ desired: 'cached', current: 'cached' });

    // A new migration file misses too.
    p.write('migrations/20260102000000_more.sql', migration('create table public.more (id int);').replace('drop table public.items', 'drop table public.more'));
    await expect(migrateDiff(p.config, { mode: 'check' })).rejects.toMatchObject({ code: 'diff_pending' });

    // A damaged cache file is a miss, not an error.
    fs.writeFileSync(path.join(p.cwd, '.dbctl/schema-cache/diff-desired.json'), '{not json');
    const rebuilt = await migrateDiff(p.config, { mode: 'dry-run', allowDataLoss: true });
    expect(rebuilt.sources.desired).toBe('built');
  }, 300_000);

  it('never caches what migrations build when a placeholder may change it', async () => {
    process.env.ITEMS_NOTE = 'first'; // before the config is resolved: it reads the environment
    const p = await project({
      'schema/01_items.sql': table(),
      'migrations/20260101000000_items.sql': migration(`${table()}comment on table public.items is \${env:ITEMS_NOTE};`),
    });
    try {
      await expect(migrateDiff(p.config, { mode: 'check' })).rejects.toMatchObject({ code: 'diff_pending' });
      await expect(migrateDiff(p.config, { mode: 'check' })).rejects.toMatchObject({ code: 'diff_pending' });
      expect(fs.existsSync(path.join(p.cwd, '.dbctl/schema-cache/diff-current.json'))).toBe(false);
      const planned = await migrateDiff(p.config, { mode: 'dry-run' });
      expect(planned.sources.current).toBe('built');
      expect(planned.up.map((s) => s.sql).join('\n')).toMatch(/COMMENT ON TABLE public\.items IS NULL/i);
    } finally {
      delete process.env.ITEMS_NOTE;
    }
  }, 300_000);
});
