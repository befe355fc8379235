import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRUNE_NOTE_AT, pruneNote } from '../../src/testdb/pile-up.js';
import { cloneName } from '../../src/database/names.js';
import { migration } from './helpers.js';
import { runArgv } from '../helpers/argv.js';
import { tempProject } from '../helpers/cli.js';

describe('testdb prune is offered when embedded clones pile up', () => {
  it('the note names the count, the folder and the commands from the threshold on', () => {
    expect(pruneNote(PRUNE_NOTE_AT - 1, '.dbctl/testdb')).toBeUndefined();
    expect(pruneNote(PRUNE_NOTE_AT, '.dbctl/testdb')).toBe(
      `${PRUNE_NOTE_AT} embedded test databases in .dbctl/testdb (~39 MB each): \`dbctl testdb prune --older-than 1d\` removes old ones, \`dbctl testdb drop --all\` all of them`,
    );
  });

  it('`testdb create` on the embedded default says so (stderr) and counts them (--json) once there are that many', async () => {
    const cwd = tempProject({
      'dbctl.config.json': JSON.stringify({ testdb: { prefix: 'pile' } }),
      'migrations/001_items.sql': migration('create table items (id int primary key);', 'drop table items;'),
    });
    const first = await runArgv(['testdb', 'create', '--json'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json().clones).toBe(1);
    expect(first.stderr).not.toContain('testdb prune');
    // Clones left behind (what kept or crashed test runs leave): folders named as clones.
    for (let i = 0; i < PRUNE_NOTE_AT - 2; i++) fs.mkdirSync(path.join(cwd, '.dbctl/testdb', cloneName('pile')));
    const last = await runArgv(['testdb', 'create'], { cwd });
    expect(last.code, last.stderr).toBe(0);
    expect(last.stderr).toContain(`note: ${PRUNE_NOTE_AT} embedded test databases in .dbctl/testdb (~39 MB each): \`dbctl testdb prune`);
  }, 120_000);
});
