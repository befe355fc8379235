import type { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';
import { commandRuns, walk } from '../../scripts/command-walk.mjs';

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
  // with no fleet declared, still says ok: false). A new command must be added to the walk
  // (scripts/command-walk.mjs).
  it('every command on an embedded project', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ migrations: { dir: 'migrations' }, seeds: { dir: 'seeds' }, typegen: { out: 'src/db/types.ts' } }),
      'migrations/0001_notes.sql': '-- migrate:up\ncreate table notes (id int primary key, body text);\n-- migrate:down\ndrop table notes;\n',
      'seeds/common/01_notes.sql': "insert into notes values (1, 'a') on conflict do nothing;\n",
      'run.sql': 'select 1;\n',
    });
    // The walk is shared with .ci/smoke-node.sh, which runs it from the installed package.
    const state = { backupFile: '', checkExit: true };
    const runs = commandRuns('0001_notes', state);
    // `db serve` runs until it is interrupted (tests/e2e/cli/db-serve.test.ts stops it with SIGINT); its
    // --json document goes through the same Output.flush checked above.
    const walked = leafCommands().filter((name) => name !== 'db serve');
    expect([...new Set(runs.map(([name]: [string]) => name))].sort()).toEqual(walked.sort());
    const failures = await walk(runs, state, (args: string[]) => runArgv(args, { cwd }));
    expect(failures).toEqual([]);
  }, 300_000);
});

/** `migrate up`, `fleet exec`, …: every command that runs (hidden ones aside). */
function leafCommands(): string[] {
  const names: string[] = [];
  const visit = (command: Command, path: string[]) => {
    const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const runs = (command as unknown as { _actionHandler?: unknown })._actionHandler;
    if (path.length && (runs || !visible.length)) names.push(path.join(' '));
    for (const c of visible) visit(c, [...path, c.name()]);
  };
  visit(buildProgram(), []);
  return names;
}
