import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';

describe('`ok` in every --json document', () => {
  afterEach(() => vi.restoreAllMocks());

  it('Output.flush, the one place a document is printed, says ok: true unless the document says otherwise', () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const out = new Output({ json: true });
    out.result({ file: 'x' });
    out.flush();
    out.result({ ok: false, error: { code: 'usage' } });
    out.flush();
    expect(printed.map((p) => JSON.parse(p))).toEqual([{ ok: true, file: 'x' }, { ok: false, error: { code: 'usage' } }]);
  });

  // Every command, run with --json on a small embedded project: one JSON object on stdout whose
  // `ok` is true exactly when the exit code is 0 (a command that fails here, e.g. a fleet command
  // with no fleet declared, still says ok: false). A new command must be added to this walk.
  it('every command on an embedded project', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' }, seeds: { dir: 'seeds' }, typegen: { out: 'src/db/types.ts' } }),
      'migrations/0001_notes.sql': '-- migrate:up\ncreate table notes (id int primary key, body text);\n-- migrate:down\ndrop table notes;\n',
      'seeds/common/01_notes.sql': "insert into notes values (1, 'a') on conflict do nothing;\n",
      'run.sql': 'select 1;\n',
    });
    let backupFile = '';
    const runs: Array<[string, () => string[]]> = [
      ['config', () => ['config']],
      ['doctor', () => ['doctor']],
      ['migrate status', () => ['migrate', 'status']],
      ['migrate lint', () => ['migrate', 'lint']],
      ['migrate up', () => ['migrate', 'up']],
      ['migrate verify', () => ['migrate', 'verify']],
      ['migrate redo', () => ['migrate', 'redo']],
      ['migrate repair', () => ['migrate', 'repair']],
      ['migrate baseline', () => ['migrate', 'baseline', '0001_notes']],
      ['migrate test', () => ['migrate', 'test']],
      ['migrate new', () => ['migrate', 'new', 'later']],
      ['migrate diff', () => ['migrate', 'diff', '--check', '--schema-dir', 'run.sql']],
      ['seed', () => ['seed']],
      ['seed new', () => ['seed', 'new', 'more']],
      ['summary', () => ['summary']],
      ['typegen', () => ['typegen']],
      ['schema dump', () => ['schema', 'dump']],
      ['schema dump', () => ['schema', 'dump', '--out', '-']],
      ['schema drift', () => ['schema', 'drift']],
      ['schema erd', () => ['schema', 'erd']],
      ['backup', () => ['backup']],
      ['backup verify', () => ['backup', 'verify', backupFile]],
      ['backup prune', () => ['backup', 'prune']],
      ['restore', () => ['restore', backupFile, '--clean']],
      ['testdb create', () => ['testdb', 'create']],
      ['testdb list', () => ['testdb', 'list']],
      ['testdb drop', () => ['testdb', 'drop', 'nothing_here']],
      ['testdb prune', () => ['testdb', 'prune']],
      ['reset', () => ['reset']],
      ['migrate down', () => ['migrate', 'down']],
      ['db wait', () => ['db', 'wait']],
      ['db create', () => ['db', 'create']],
      ['db fresh', () => ['db', 'fresh']],
      ['db drop', () => ['db', 'drop']],
      // The source must be a server: refused at once here (ok: false); tests/copy/ copies for real.
      ['db copy', () => ['db', 'copy', '--from', 'pglite://elsewhere']],
      ['fleet status', () => ['fleet', 'status']],
      ['fleet verify', () => ['fleet', 'verify']],
      ['fleet migrate up', () => ['fleet', 'migrate', 'up']],
      ['fleet migrate down', () => ['fleet', 'migrate', 'down']],
      ['fleet seed', () => ['fleet', 'seed']],
      ['fleet exec', () => ['fleet', 'exec', 'run.sql']],
      ['init', () => ['init']],
      ['completion', () => ['completion', 'bash']],
      ['sql', () => ['sql', 'select 1 as one']],
      ['migrate check', () => ['migrate', 'check', '--base', 'HEAD']],
      ['migrate squash', () => ['migrate', 'squash', '--to', '0001_notes']],
    ];
    // `db serve` runs until it is interrupted (tests/e2e/cli/db-serve.test.ts stops it with SIGINT); its
    // --json document goes through the same Output.flush checked above.
    const walked = leafCommands().filter((name) => name !== 'db serve');
    expect([...new Set(runs.map(([name]) => name))].sort()).toEqual(walked.sort());
    const failures: string[] = [];
    for (const [name, args] of runs) {
      const result = await runArgv(['--json', ...args()], { cwd });
      let doc: any;
      try {
        doc = result.json();
      } catch {
        failures.push(`${name}: stdout is not one JSON document: ${result.stdout.slice(0, 200)}`);
        continue;
      }
      if (name === 'backup') backupFile = doc.file;
      if (typeof doc !== 'object' || Array.isArray(doc) || doc.ok !== (result.code === 0)) {
        failures.push(`${name}: exit ${result.code}, ok ${JSON.stringify(doc?.ok)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

/** `migrate up`, `fleet exec`, …: every command that runs (hidden ones aside). */
function leafCommands(): string[] {
  const names: string[] = [];
  const walk = (command: Command, path: string[]) => {
    const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const runs = (command as unknown as { _actionHandler?: unknown })._actionHandler;
    if (path.length && (runs || !visible.length)) names.push(path.join(' '));
    for (const c of visible) walk(c, [...path, c.name()]);
  };
  walk(buildProgram(), []);
  return names;
}
