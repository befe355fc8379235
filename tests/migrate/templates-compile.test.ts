import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FIRST_MIGRATION } from '../../src/init/templates.js';
import { createMigrationFile } from '../../src/migrate/new.js';
import { ROOT } from '../helpers/cli.js';

/** tsc's diagnostics for `files` under a strict project with noUnusedLocals (kysely from this repo). */
function compile(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noUnusedLocals: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    typeRoots: [path.join(ROOT, 'node_modules/@types')],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('generated TypeScript migrations compile under strict + noUnusedLocals', () => {
  it('`migrate new` and the first migration of `init`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbctl-tpl-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const made = createMigrationFile({ dir: path.join(dir, 'migrations'), name: 'add_users' });
    const first = path.join(dir, 'migrations/00000000000000_create_users.ts');
    fs.writeFileSync(first, FIRST_MIGRATION);
    expect(compile([made, first])).toEqual([]);
    // The check bites: an unused import is reported.
    const unused = path.join(dir, 'migrations/00000000000001_unused.ts');
    fs.writeFileSync(unused, `import { sql } from 'kysely';\nexport async function up(): Promise<void> {}\n`);
    expect(compile([unused]).join('\n')).toMatch(/'sql' is declared but its value is never read/);
  }, 60_000);
});
