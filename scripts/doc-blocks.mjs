// The code blocks of a Markdown file that a `<!-- doc-test: NAME … -->` comment marks: the fenced
// block right after the comment. tests/docs runs them and the smoke (.ci/smoke-node.sh) uses the
// Vitest setup, so what the README shows is what is tested.
//   node scripts/doc-blocks.mjs README.md vitest-setup   → prints that block's code
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @returns {Map<string, { lang: string, code: string, line: number }>} by name; `line` is the fence's (1-based). */
export function docBlocks(markdown) {
  const blocks = new Map();
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- doc-test: ([\w-]+)/.exec(lines[i]);
    if (!marker) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const fence = /^(`{3,})(\w*)/.exec(lines[j] ?? '');
    if (!fence) throw new Error(`line ${i + 1}: doc-test "${marker[1]}" is not followed by a code block`);
    const end = lines.findIndex((l, k) => k > j && l.startsWith(fence[1]));
    if (end < 0) throw new Error(`line ${j + 1}: unterminated code block`);
    if (blocks.has(marker[1])) throw new Error(`line ${i + 1}: doc-test "${marker[1]}" appears twice`);
    blocks.set(marker[1], { lang: fence[2], code: lines.slice(j + 1, end).join('\n') + '\n', line: j + 1 });
  }
  return blocks;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, name] = process.argv.slice(2);
  const block = docBlocks(fs.readFileSync(file, 'utf8')).get(name);
  if (!block) {
    console.error(`${file}: no doc-test "${name}"`);
    process.exit(2);
  }
  process.stdout.write(block.code);
}
