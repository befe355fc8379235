import { describe, expect, it } from 'vitest';
import { redact, redactUrl, registerUrlSecrets } from '../../src/secrets.js';
import { backends, freshDatabase } from '../helpers/backends.js';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';

/**
 * Passwords with whitespace, `#`, `@`, `/`, `?`, quotes and backslashes are never printed (issue 29,
 * item 10): not by `config`, not in any `--json`'s `target.url`, not in a URL parse error. A URL is
 * redacted up to its last `@` whatever the characters, and the password the parser found is
 * remembered so that it is masked wherever it shows up. Each layer uses its own passwords: the
 * registry is per process, and one layer's registration must not make another's test pass.
 */
const nasty = (tag: string) => [
  `${tag} with space`,
  `${tag}#hash and space`,
  `${tag}@at@twice`,
  `${tag}/slash?question`,
  `${tag}"dq'sq`,
  `${tag}\ttab\\back`,
  `${tag}:colon=eq&amp`,
  ` ${tag}lead-and-trail `,
];

/** The password, and the forms output could give it in: decoded, percent-encoded, JSON-escaped. */
const leaked = (text: string, password: string) =>
  [password, password.trim(), encodeURIComponent(password), JSON.stringify(password).slice(1, -1)].some((form) => form.length > 3 && text.includes(form));

describe('redactUrl and the registry', () => {
  it.each(nasty('Unit9q'))('%j', (password) => {
    const url = `postgres://app:${password}@db.internal:5432/app?sslmode=require`;
    expect(leaked(redactUrl(url), password), redactUrl(url)).toBe(false);
    expect(redactUrl(url)).toBe('postgres://app:***@db.internal:5432/app?sslmode=require');
    registerUrlSecrets(url);
    const message = `could not connect with "${url}" (password ${password}) ${JSON.stringify({ url })}`;
    expect(leaked(redact(message), password), redact(message)).toBe(false);
  });

  it('?password= runs to the next &, whatever it holds', () => {
    expect(redactUrl('postgres://app@h/db?password=a b#c@d&sslmode=require')).toBe('postgres://app@h/db?password=***&sslmode=require');
  });
});

describe('config, --json target and parse errors (in process)', () => {
  it.each(nasty('Argv7k'))('%j', async (password) => {
    const cwd = tempProject({ 'migrations/.keep': '', 'seeds/common/.keep': '' });
    const url = `postgres://app:${password}@127.0.0.1:99999/app`; // a bad port: refused before connecting
    const runs = [
      await runArgv(['--url', url.replace('99999', '5432'), 'config'], { cwd }),
      await runArgv(['--url', url.replace('99999', '5432'), 'config', '--json'], { cwd }),
      await runArgv(['--url', url, 'migrate', 'status'], { cwd }),
      await runArgv(['--url', url, 'migrate', 'status', '--json'], { cwd }),
      await runArgv(['migrate', 'status', '--json'], { cwd, env: { DATABASE_URL: url } }),
    ];
    for (const r of runs) expect(leaked(r.stdout + r.stderr, password), r.stdout + r.stderr).toBe(false);
    expect(runs[0].code, runs[0].stderr).toBe(0);
    expect(runs[1].json().url).toBe('postgres://app:***@127.0.0.1:5432/app');
    for (const r of runs.slice(2)) expect(r.code).toBe(2);
    expect(runs[3].json().error.message).toMatch(/^invalid database URL "postgres:\/\/app:\*\*\*@127\.0\.0\.1:99999\/app"/);
  });
});

const native = backends.find((b) => b.name === 'pg');

/** The `target.url` of a command that connects (trust auth on the test server takes any password). */
describe.runIf(native)('--json target.url of a command that ran (server)', () => {
  // Passwords the WHATWG URL parser accepts unencoded (a `#` or `?` would end the userinfo).
  const parseable = nasty('Srv3x').filter((p) => !/[#?/]/.test(p));

  it.each(parseable)('%j', async (password) => {
    const t = await freshDatabase(native!);
    const server = new URL(t.url);
    const url = `postgres://${server.username || 'postgres'}:${password}@${server.host}${server.pathname}`;
    const cwd = tempProject({ 'migrations/001_a.sql': '-- migrate:up\ncreate table a (id int);\n', 'seeds/common/.keep': '' });
    for (const args of [['migrate', 'up', '--json'], ['migrate', 'status', '--json'], ['doctor', '--json']]) {
      const r = await runArgv(['--url', url, ...args], { cwd });
      expect(leaked(r.stdout + r.stderr, password), `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(false);
      if (args[0] === 'migrate') {
        expect(r.code, r.stderr).toBe(0);
        expect(r.json().target.url).toMatch(/^postgres:\/\/postgres:\*\*\*@/);
      }
    }
  });
});
