// docs/cli.md, generated from the commander definitions (src/cli/program.ts) so that the reference
// cannot drift from what dbctl accepts: every command, its description, arguments and options with
// their defaults, and the global options once. tests/docs/cli-reference.test.ts fails when the
// checked-in file differs from what this prints.
//   npm run build && node scripts/cli-reference.mjs        → rewrites docs/cli.md
//   node scripts/cli-reference.mjs --stdout               → prints it instead
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REGENERATE = 'npm run build && node scripts/cli-reference.mjs';

/** @param {import('commander').Command} program @returns {string} the Markdown of docs/cli.md */
export function cliReference(program) {
  const out = [
    '# CLI reference',
    '',
    `<!-- Generated from src/cli/program.ts by scripts/cli-reference.mjs: do not edit; run \`${REGENERATE}\`. -->`,
    '',
    `${program.description()}.`,
    '',
    'Every command, with its arguments and options. What the exit codes mean: [Exit codes](errors.md).',
    'The guides: [README](../README.md).',
    '',
    '## Global options',
    '',
    `\`${program.name()} [options] <command>\`: these options go before or after the command.`,
    '',
    ...optionTable(program),
    '',
    '## Commands',
    '',
  ];
  const commands = [];
  const walk = (command, names) => {
    for (const sub of command.commands) {
      if (sub._hidden) continue;
      commands.push({ command: sub, names: [...names, sub.name()] });
      walk(sub, [...names, sub.name()]);
    }
  };
  walk(program, []);
  for (const { command, names } of commands) out.push(`- [\`dbctl ${names.join(' ')}\`](#${slug(`dbctl ${names.join(' ')}`)}): ${firstLine(command.description())}`);
  for (const { command, names } of commands) out.push('', ...section(command, names));
  return out.join('\n') + '\n';
}

function section(command, names) {
  const lines = [`### dbctl ${names.join(' ')}`, ''];
  if (command.description()) lines.push(escapeText(command.description()), '');
  lines.push(`Usage: \`dbctl ${names.join(' ')} ${command.usage()}\``);
  if (command.aliases().length) lines.push('', `Alias: ${command.aliases().map((a) => `\`dbctl ${[...names.slice(0, -1), a].join(' ')}\``).join(', ')}`);
  const visibleSubs = command.commands.filter((c) => !c._hidden);
  if (visibleSubs.length) lines.push('', `Subcommands: ${visibleSubs.map((c) => `[\`${c.name()}\`](#${slug(`dbctl ${[...names, c.name()].join(' ')}`)})`).join(', ')}`);
  const args = command.registeredArguments ?? [];
  if (args.length) {
    lines.push('', '| argument | description |', '| --- | --- |');
    for (const a of args) {
      const name = `${a.required ? '<' : '['}${a.name()}${a.variadic ? '...' : ''}${a.required ? '>' : ']'}`;
      const extra = [a.defaultValue !== undefined ? `default: \`${show(a.defaultValue)}\`` : '', a.argChoices ? `one of: ${a.argChoices.map((c) => `\`${c}\``).join(', ')}` : ''].filter(Boolean);
      lines.push(`| \`${name}\` | ${cell([a.description, ...extra].filter(Boolean).join('; '))} |`);
    }
  }
  const options = optionTable(command);
  if (options.length) lines.push('', ...options);
  return lines;
}

function optionTable(command) {
  const options = command.options.filter((o) => !o.hidden);
  if (!options.length) return [];
  const rows = options.map((o) => {
    const notes = [o.argChoices ? `one of: ${o.argChoices.map((c) => `\`${c}\``).join(', ')}` : '', o.envVar ? `env: \`${o.envVar}\`` : '', o.mandatory ? 'required' : ''].filter(Boolean);
    // A `--no-x` option's implicit `true` is commander's bookkeeping, not a default worth showing.
    const fallback = o.defaultValue === undefined || (o.negate && o.defaultValue === true) ? '' : `\`${show(o.defaultValue)}\``;
    return { flags: `\`${o.flags}\``, description: cell([o.description, ...notes].filter(Boolean).join('; ')), fallback: cell(fallback) };
  });
  // The default column only where a default is set apart from the description (most say it there).
  if (!rows.some((r) => r.fallback)) return ['| option | description |', '| --- | --- |', ...rows.map((r) => `| ${r.flags} | ${r.description} |`)];
  return ['| option | description | default |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.flags} | ${r.description} | ${r.fallback} |`)];
}

const show = (value) => (Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : JSON.stringify(value));
const firstLine = (text) => escapeText(text.split('\n')[0]);
const escapeText = (text) => text.replace(/</g, '&lt;');
const cell = (text) => escapeText(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const built = path.join(root, 'dist/cli/program.js');
  if (!fs.existsSync(built)) {
    console.error('dist/cli/program.js is missing: run `npm run build` first');
    process.exit(2);
  }
  const { buildProgram } = await import(pathToFileURL(built).href);
  const text = cliReference(buildProgram());
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else {
    fs.writeFileSync(path.join(root, 'docs/cli.md'), text);
    console.log('wrote docs/cli.md');
  }
}
