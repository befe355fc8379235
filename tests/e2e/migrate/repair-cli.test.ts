import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../../src/driver/target.js';
import { confirmName } from '../../../src/guard/index.js';
import { backends, freshDatabase } from '../../helpers/backends.js';
import { runArgv } from '../../helpers/argv.js';
import { runCli, tempProject, writeFiles } from '../../helpers/cli.js';
import { createTable } from '../../migrate/helpers.js';

describe.each(backends)('dbctl migrate repair on $name', (backend) => {
  it('records a reviewed change; guarded like other writes in a protected environment', async () => {
    const t = await freshDatabase(backend);
    const environments = { development: { url: t.url }, production: { url: t.url } };
    const cwd = tempProject({ 'dbctl.config.json': JSON.stringify({ environments }), 'migrations/001_a.sql': createTable('a') });
    const cli = (...args: string[]) => runArgv(['--json', ...args], { cwd });
    const up = await cli('migrate', 'up');
    expect({ code: up.code, stderr: up.stderr }).toMatchObject({ code: 0 });
    writeFiles(cwd, { 'migrations/001_a.sql': createTable('a') + '-- reviewed\n' });
    const drift = await cli('migrate', 'up');
    expect({ code: drift.code, stderr: drift.stderr }).toMatchObject({ code: 5 });

    const refused = await cli('--env', 'production', 'migrate', 'repair');
    expect({ code: refused.code, stderr: refused.stderr }).toMatchObject({ code: 5 });
    expect(refused.json().error.code).toBe('protected');
    const repaired = await cli('--env', 'production', 'migrate', 'repair', '001_a', '--force', '--confirm', confirmName(parseTarget(t.url, cwd)));
    expect(repaired.code).toBe(0);
    expect(repaired.json()).toMatchObject({ ok: true, repaired: ['001_a'] });

    const status = await cli('migrate', 'status');
    expect(status.json().migrations.map((m: any) => m.state)).toEqual(['applied']);
    // Under development, whose url is production's database too, a repair is refused: the database is a protected environment's.
    const viaDevelopment = await cli('migrate', 'repair');
    expect({ code: viaDevelopment.code, error: viaDevelopment.json().error.code }).toEqual({ code: 5, error: 'protected_database' });
    const again = await runCli(['--env', 'production', 'migrate', 'repair', '--force', '--confirm', confirmName(parseTarget(t.url, cwd))], { cwd });
    expect(again.stdout).toContain('nothing to repair: every applied migration matches its file');
  });
});

describe.each(backends)('a repair that checked nothing does not say "fine" on $name', (backend) => {
  it('an applied migration whose file is gone is an error naming it; with none applied it says so', async () => {
    const t = await freshDatabase(backend);
    const cwd = tempProject({ 'migrations/001_a.sql': createTable('a'), 'migrations/002_b.sql': createTable('b') });
    const cli = (...args: string[]) => runArgv(args, { cwd, env: { DATABASE_URL: t.url } });
    const none = await cli('migrate', 'repair');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('nothing to repair: no migration is applied yet');
    expect((await cli('migrate', 'up')).code).toBe(0);
    fs.rmSync(path.join(cwd, 'migrations/002_b.sql'));
    const missing = await cli('migrate', 'repair', '--json');
    expect(missing.code).toBe(5);
    expect(missing.json().error).toMatchObject({ code: 'missing', missing: ['002_b'] });
    expect(missing.stderr).toContain('error: cannot repair: the file of applied migration(s) 002_b is missing from migrations');
    // Named, a present file is checked and the missing one is not in question.
    const named = await cli('migrate', 'repair', '001_a');
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('nothing to repair: the named migration(s) match their files');
  });
});
