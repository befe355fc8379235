/**
 * docs/cli.md is generated from the commander definitions (scripts/cli-reference.mjs): this fails
 * when the checked-in file is not what the program declares, so the reference cannot drift.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { ROOT } from '../helpers/cli.js';
import { cliReference, REGENERATE } from '../../scripts/cli-reference.mjs';

describe('docs/cli.md', () => {
  const generated = cliReference(buildProgram());

  it('is what scripts/cli-reference.mjs generates from the program', () => {
    const checkedIn = fs.readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
    if (checkedIn !== generated) {
      const a = checkedIn.split('\n');
      const b = generated.split('\n');
      const at = a.findIndex((line, i) => line !== b[i]);
      expect.fail(`docs/cli.md is out of date (first difference at line ${at + 1}: ${JSON.stringify(a[at])} should be ${JSON.stringify(b[at])}): run \`${REGENERATE}\` and commit docs/cli.md`);
    }
  });

  it('lists every visible command with its options, and the global options once', () => {
    const visible: string[] = [];
    const walk = (c: ReturnType<typeof buildProgram>, names: string[]) => {
      for (const sub of c.commands) {
        if ((sub as unknown as { _hidden: boolean })._hidden) continue;
        visible.push([...names, sub.name()].join(' '));
        walk(sub, [...names, sub.name()]);
      }
    };
    walk(buildProgram(), []);
    expect(visible.length).toBeGreaterThan(40);
    for (const name of visible) expect(generated).toContain(`\n### dbctl ${name}\n`);
    expect(generated.match(/`--connect-timeout <duration>`/g)).toHaveLength(1);
    expect(generated).toContain('`--older-than <duration>` | age of clones to drop | `1h` |');
    expect(generated).not.toContain('__complete');
  });
});
