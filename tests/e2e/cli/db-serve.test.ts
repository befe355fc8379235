import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempProject } from '../../helpers/cli.js';

describe('dbctl db serve (spawned)', () => {
  it('prints a postgres:// URL that pg opens, serves until SIGINT, then exits 0 and frees the directory', async () => {
    const cwd = tempProject();
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [BIN, 'db', 'serve'], { cwd, env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // The URL is the first line on stdout, once the server listens.
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('close', () => reject(new Error(`db serve exited before printing its URL: ${stderr}`)));
      });
      expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('create table served (x int)');
      expect((await client.query('select count(*)::int as n from served')).rows).toEqual([{ n: 0 }]);
      await client.end();
    } finally {
      child.kill('SIGINT');
    }
    // stderr rides along so a failure says why the exit code differs.
    expect({ code: await exited, stderr }).toMatchObject({ code: 0 });
    expect(stderr).toContain('Ctrl-C stops');
    // The directory is free again, and holds what the wire client wrote.
    const after = await runCli(['sql', 'select count(*)::int as n from served', '--json'], { cwd });
    expect(after.json()).toMatchObject({ ok: true, results: [{ rows: [{ n: 0 }] }] });
  });
});
