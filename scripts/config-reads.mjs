#!/usr/bin/env node
// Counts the ResolvedConfig fields read outside the folders that may read the whole config
// (src/config/, src/cli/, src/flows/): each `config.a` or `config.a.b` whose object is typed
// ResolvedConfig, found with TypeScript's type checker. Prints each field with the files reading it.
//   node scripts/config-reads.mjs [root]     (root: a checkout; default .)
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(process.argv[2] ?? '.');
const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
const checker = program.getTypeChecker();
const allowed = ['src/config/', 'src/cli/', 'src/flows/'].map((d) => path.join(root, d));
const isResolved = (type) => {
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
  return name === 'ResolvedConfig';
};
const fields = new Map();
for (const source of program.getSourceFiles()) {
  const file = source.fileName;
  if (!file.startsWith(path.join(root, 'src/')) || allowed.some((d) => file.startsWith(d))) continue;
  const visit = (node) => {
    if (ts.isPropertyAccessExpression(node) && isResolved(checker.getTypeAtLocation(node.expression))) {
      let field = node.name.text;
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node && typeof checker.getTypeAtLocation(node).getProperties === 'function' && !['target'].includes(field)) {
        const sub = parent.name.text;
        if (checker.getTypeAtLocation(node).getProperty(sub)) field += `.${sub}`;
      }
      const rel = path.relative(root, file);
      if (!fields.has(field)) fields.set(field, new Set());
      fields.get(field).add(rel);
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && isResolved(checker.getTypeAtLocation(node.parent))) {
      const field = (node.propertyName ?? node.name).getText(source);
      const rel = path.relative(root, file);
      if (!fields.has(field)) fields.set(field, new Set());
      fields.get(field).add(rel);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
const files = new Set([...fields.values()].flatMap((s) => [...s]));
for (const [field, where] of [...fields].sort()) console.log(`${field.padEnd(28)} ${[...where].join(', ')}`);
const pairs = [...fields.values()].reduce((n, s) => n + s.size, 0);
console.log(`${pairs} (field, file) reads; ${fields.size} distinct ResolvedConfig fields read in ${files.size} files outside src/config/, src/cli/, src/flows/`);
