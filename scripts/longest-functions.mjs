#!/usr/bin/env node
// Lists the functions in src/ longer than a limit (default 80 lines), longest first, using the
// TypeScript compiler's own parser: function declarations, methods, accessors, constructors,
// function expressions and arrow functions with a block body, each counted from its first line to
// its last (a function inside another counts for both). Exits 1 when any is over the limit.
//   node scripts/longest-functions.mjs [--max N] [--all] [dir]
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max');
const max = maxAt >= 0 ? Number(args[maxAt + 1]) : 80;
const all = args.includes('--all');
const root = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--max') ?? 'src';

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return parent.name.getText(source);
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(source).slice(0, 40)})`;
  return '(anonymous)';
}

const found = [];
for (const file of sourceFiles(root)) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    const isFunction = ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) || ts.isFunctionExpression(node) || (ts.isArrowFunction(node) && ts.isBlock(node.body));
    if (isFunction && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const owner = node.parent && ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
      found.push({ file, start, lines: end - start + 1, name: owner + nameOf(node, source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

found.sort((a, b) => b.lines - a.lines);
const over = found.filter((f) => f.lines > max);
for (const f of all ? found : over) console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.start}  ${f.name}`);
console.log(`${over.length} function(s) over ${max} lines (of ${found.length}); the longest: ${found[0] ? `${found[0].lines} (${found[0].name})` : 'none'}`);
process.exitCode = over.length ? 1 : 0;
