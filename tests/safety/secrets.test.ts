import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/secrets.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { runArgv } from '../helpers/argv.js';
import { runCli, tempProject } from '../helpers/cli.js';

const native = backends.find((b) => b.name === 'pg');

describe('redact', () => {
  it('masks every form a password takes in a connection string', () => {
    const cases: Array<[string, string]> = [
      ['postgres://u:Pa55word@h:5432/db', 'postgres://u:***@h:5432/db'],
      ['postgres://u@h/db?sslmode=require&password=Pa55word', 'postgres://u@h/db?sslmode=require&password=***'],
      ['postgres://u:Pa55@word@h/db', 'postgres://u:***@h/db'],
      ['postgres://u:Pa55%40word@h/db', 'postgres://u:***@h/db'],
      ['host=h user=u password=Pa55word dbname=db', 'host=h user=u password=*** dbname=db'],
      ["host=h password='Pa55 word' dbname=db", 'host=h password=*** dbname=db'],
      ['error: "postgres://u:Pa55@word@h/db" and postgres://v:x@h2/d2', 'error: "postgres://u:***@h/db" and postgres://v:***@h2/d2'],
    ];
    for (const [input, expected] of cases) expect(redact(input)).toBe(expected);
  });
});

/**
 * Every command's stdout and stderr, for a password-bearing URL of each form, never holds the
 * password; pg_dump never sees it on its command line (issue 12). Needs the server: the forms are
 * postgres:// URLs (trust auth accepts any password).
 */
describe.runIf(native)('no password in any output (server)', () => {
  const SECRET = 'Zq7Secret9x';
  const forms = (db: string) => ({
    userinfo: `postgres://postgres:${SECRET}@127.0.0.1:5432/${db}`,
    query: `postgres://postgres@127.0.0.1:5432/${db}?password=${SECRET}`,
    'unencoded @': `postgres://postgres:${SECRET}@x@127.0.0.1:5432/${db}`,
    '%40': `postgres://postgres:${SECRET}%40x@127.0.0.1:5432/${db}`,
    conninfo: `host=127.0.0.1 port=5432 user=postgres password=${SECRET} dbname=${db}`,
  });
  const leaks = (text: string) => text.includes(SECRET);

  // `config` and a URL refused before connecting (a bad port) need no database: tests/cli/argv.test.ts.
  it.each(Object.keys(forms('x')))('doctor, migrate and testdb output, human and JSON, with the %s form', async (form) => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({ 'migrations/001_a.sql': '-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n', 'seeds/common/.keep': '' });
    const url = forms(t.name)[form as keyof ReturnType<typeof forms>];
    // Human and JSON output, success (migrate, testdb) and a report with errors inside (doctor).
    try {
      for (const args of [['doctor', '--json'], ['migrate', 'up'], ['testdb', 'create', '--json']]) {
        // `migrate up` through the binary, end to end; the others in this process (same output path).
        const run = args[0] === 'migrate' ? runCli : runArgv;
        const r = await run(['--url', url, ...args], { cwd, env: { DBCTL_ENV: 'development' } });
        expect(leaks(r.stdout) || leaks(r.stderr), `${form}: dbctl ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(false);
        if (form !== 'conninfo') expect(r.code, `${form}: dbctl ${args.join(' ')}: ${r.stderr}`).not.toBe(1);
      }
    } finally {
      await runArgv(['--url', forms(t.name).userinfo, 'testdb', 'drop', '--all'], { cwd });
    }
  });

  it('pg_dump gets the password through its environment, never its argv', async () => {
    const t = await freshDatabase(native!);
    const cwd = tempProject({ 'migrations/001_a.sql': '-- migrate:up\ncreate table a (id int);\n', 'seeds/common/.keep': '' });
    const argvLog = path.join(cwd, 'argv.log');
    const wrapper = path.join(cwd, 'pg_dump_wrapper.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\n[ -n "$PGPASSWORD" ] && echo "PGPASSWORD set" >> '${argvLog}'\nexec pg_dump "$@"\n`, { mode: 0o755 });
    for (const [form, url] of Object.entries(forms(t.name))) {
      if (form === 'conninfo') continue;
      const r = await runArgv(['--url', url, 'backup', '--out', path.join(cwd, `${form.replace(/\W/g, '')}.dump`)], { cwd, env: { PG_DUMP: wrapper } });
      expect(r.code, `${form}: ${r.stderr}`).toBe(0);
      expect(leaks(r.stdout) || leaks(r.stderr)).toBe(false);
    }
    const log = fs.readFileSync(argvLog, 'utf8');
    expect(log).toContain('--dbname');
    expect(log).toContain('PGPASSWORD set');
    expect(leaks(log), log).toBe(false);
  });
});
