import type { Command } from 'commander';

/** Completion scripts for bash, zsh and fish, from the command tree itself. */

interface Node {
  /** `migrate up`; '' for the root. */
  path: string;
  /** Names and aliases of the subcommands. */
  subcommands: string[];
  options: string[];
  /** The choices of its arguments (`completion <shell>`: bash zsh fish). */
  values: string[];
  /** Its arguments are files (an argument named `file`: `restore <file>`, `backup verify <file>`). */
  files: boolean;
  /** Its options that take a file or folder (`--out <file>`). */
  fileOptions: string[];
}

export function describe(program: Command): Node[] {
  const nodes: Node[] = [];
  const globals = optionsOf(program).filter((o) => o !== '--version' && o !== '-V');
  const walk = (command: Command, path: string) => {
    const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const own = command === program ? ['--version'] : optionsOf(command);
    const args = (command as unknown as { registeredArguments: Array<{ name(): string; argChoices?: string[] }> }).registeredArguments ?? [];
    nodes.push({
      path,
      subcommands: visible.flatMap((c) => [c.name(), ...c.aliases()]),
      options: [...own, ...globals, '--help'],
      values: args.flatMap((a) => a.argChoices ?? []),
      files: args.some((a) => a.name() === 'file'),
      fileOptions: [...fileOptionsOf(command), ...fileOptionsOf(program)],
    });
    for (const c of visible) for (const name of [c.name(), ...c.aliases()]) walk(c, path ? `${path} ${name}` : name);
  };
  walk(program, '');
  return nodes;
}

/** Options whose value is a file or folder: `--config <file>`, `--out <file>`, `--cwd <dir>`. */
function fileOptionsOf(command: Command): string[] {
  return command.options.filter((o) => /<(file|dir)>/.test(o.flags)).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
}

function optionsOf(command: Command): string[] {
  return command.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
}

/** Where a migration name is expected: after `--to`, and as the arguments of these commands. */
const MIGRATION_ARGS = ['migrate baseline', 'migrate repair'];

function caseFunctions(nodes: Node[]): string {
  const cases = (pick: (n: Node) => string[]) => nodes.filter((n) => pick(n).length).map((n) => `    '${n.path}') echo '${pick(n).join(' ')}' ;;`).join('\n');
  return `_dbctl_subcommands() {
  case "$1" in
${cases((n) => [...n.subcommands, ...n.values])}
  esac
}
_dbctl_options() {
  case "$1" in
${cases((n) => n.options)}
  esac
}
_dbctl_file_options() {
  case "$1" in
${cases((n) => n.fileOptions)}
  esac
}`;
}

/** Where files are completed as arguments (see Node.files). */
const filePath = (nodes: Node[]) => nodes.filter((n) => n.files).map((n) => `$cmdpath == '${n.path}'`).join(' || ') || 'false';

/** A migration name is completed after `--to` and for these commands' arguments. */
const migrationPath = MIGRATION_ARGS.map((p) => `$cmdpath == '${p}'`).join(' || ');

export function shellScript(nodes: Node[], zsh: boolean): string {
  if (zsh) {
    return `#compdef dbctl
# dbctl completion for zsh: eval "$(dbctl completion zsh)" in ~/.zshrc (after compinit)
${caseFunctions(nodes)}
_dbctl() {
  local cmdpath="" word i
  for (( i = 2; i < CURRENT; i++ )); do
    word=\${words[i]}
    [[ " $(_dbctl_subcommands "$cmdpath") " == *" $word "* ]] && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  if [[ \${words[CURRENT-1]} == --to || ( \${words[CURRENT]} != -* && ( ${migrationPath} ) ) ]]; then
    compadd -- \${(f)"$(\${words[1]} __complete migrations 2>/dev/null)"}
  elif [[ \${words[CURRENT-1]} == -e || \${words[CURRENT-1]} == --env ]]; then
    compadd -- \${(f)"$(\${words[1]} __complete environments 2>/dev/null)"}
  elif [[ " $(_dbctl_file_options "$cmdpath") " == *" \${words[CURRENT-1]} "* || ( \${words[CURRENT]} != -* && ( ${filePath(nodes)} ) ) ]]; then
    _files
  elif [[ \${words[CURRENT]} == -* ]]; then
    compadd -- \${=$(_dbctl_options "$cmdpath")}
  else
    compadd -- \${=$(_dbctl_subcommands "$cmdpath")}
  fi
}
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }
compdef _dbctl dbctl
`;
  }
  return `# dbctl completion for bash: eval "$(dbctl completion bash)" in ~/.bashrc
${caseFunctions(nodes)}
_dbctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath="" word i
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    [[ " $(_dbctl_subcommands "$cmdpath") " == *" $word "* ]] && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  if [[ $prev == --to || ( $cur != -* && ( ${migrationPath} ) ) ]]; then
    COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete migrations 2>/dev/null)" -- "$cur"))
  elif [[ $prev == -e || $prev == --env ]]; then
    COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete environments 2>/dev/null)" -- "$cur"))
  elif [[ " $(_dbctl_file_options "$cmdpath") " == *" $prev "* || ( $cur != -* && ( ${filePath(nodes)} ) ) ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_dbctl_options "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_dbctl_subcommands "$cmdpath")" -- "$cur"))
  fi
}
complete -F _dbctl dbctl
`;
}

export function fishScript(nodes: Node[]): string {
  const lines = ['# dbctl completion for fish: dbctl completion fish > ~/.config/fish/completions/dbctl.fish', 'complete -c dbctl -f'];
  const migrations = "'(dbctl __complete migrations 2>/dev/null)'";
  const environments = "'(dbctl __complete environments 2>/dev/null)'";
  for (const n of nodes) {
    const words = n.path ? n.path.split(' ') : [];
    // On this node: every word of its path seen, and none of its subcommands yet.
    const here = [...words.map((w) => `__fish_seen_subcommand_from ${w}`), ...(n.subcommands.length ? [`not __fish_seen_subcommand_from ${n.subcommands.join(' ')}`] : [])];
    const condition = here.length ? `-n '${here.join('; and ')}'` : `-n '__fish_use_subcommand'`;
    if (n.subcommands.length) lines.push(`complete -c dbctl ${condition} -a '${n.subcommands.join(' ')}'`);
    for (const o of n.options) {
      if (!o.startsWith('--')) continue;
      const value = o === '--to' ? ` -r -a ${migrations}` : o === '--env' ? ` -s e -r -a ${environments}` : n.fileOptions.includes(o) ? ' -r -F' : '';
      lines.push(`complete -c dbctl ${condition} -l ${o.slice(2)}${value}`);
    }
    if (MIGRATION_ARGS.includes(n.path)) lines.push(`complete -c dbctl ${condition} -a ${migrations}`);
    if (n.values.length) lines.push(`complete -c dbctl ${condition} -a '${n.values.join(' ')}'`);
    if (n.files) lines.push(`complete -c dbctl ${condition} -F`);
  }
  return lines.join('\n') + '\n';
}
