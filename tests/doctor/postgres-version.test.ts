import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { runDoctor } from '../../src/doctor/index.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { tempProject } from '../helpers/cli.js';

describe.each(backends)('doctor: the production major (postgres.version) against this database ($name)', (backend) => {
  it('notes the mismatch (the embedded database is 18: migrate up and lint check against the configured major); a note, not a problem', async () => {
    const t = await freshDatabase(backend);
    const doctor = async (config: object) => {
      const cwd = tempProject({ 'dbctl.config.json': JSON.stringify(config), 'migrations/.keep': '' });
      return (await runDoctor(await resolveConfig({ cwd, url: t.url, environ: {} }))).sections.connection;
    };
    const at15 = await doctor({ postgres: { version: 15 } });
    const unset = await doctor({});
    const major = (at15.production as { major: number }).major;
    expect(at15.status).toBe('ok');
    expect(unset.status).toBe('ok');
    if (backend.name === 'pglite') {
      expect(major).toBe(18);
      expect(at15.summary).toMatch(/; production runs PostgreSQL 15 \(postgres\.version\): migrate up and lint refuse what 15 lacks$/);
      expect(at15.production).toEqual({ version: 15, major: 18, checked: true });
      expect(unset.summary).toMatch(/; postgres\.version is not set: SQL only PostgreSQL 18 accepts passes here unnoticed$/);
      expect((await doctor({ postgres: { version: 18 } })).summary).not.toMatch(/postgres\.version|production/);
    } else {
      // A server is checked by itself; doctor says when it is not production's major.
      const other = major === 16 ? 17 : 16;
      expect((await doctor({ postgres: { version: other } })).summary).toMatch(new RegExp(`; postgres\\.version says production runs ${other}, this server is ${major}$`));
      expect(at15.production).toMatchObject({ checked: false });
      expect(unset.summary).not.toMatch(/postgres\.version/);
    }
  });
});
