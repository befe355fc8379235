import type { Command } from 'commander';

/** Completion scripts for bash, zsh and fish, from the command tree itself. */

interface Node {
  /** `migrate up`; '' for the root. */
  path: string;
  /** Names and aliases of the subcommands. */
  subcommands: string[];
  options: string[];
}

export function describe(program: Command): Node[] {
  const nodes: Node[] = [];
  const globals = optionsOf(program).filter((o) => o !== '--version' && o !== '-V');
  const walk = (command: Command, path: string) => {
    const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const own = command === program ? ['--version'] : optionsOf(command);
    nodes.push({ path, subcommands: visible.flatMap((c) => [c.name(), ...c.aliases()]), options: [...own, ...globals, '--help'] });
    for (const c of visible) for (const name of [c.name(), ...c.aliases()]) walk(c, path ? `${path} ${name}` : name);
  };
  walk(program, '');
  return nodes;
}

function optionsOf(command: Command): string[] {
  return command.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
}

/** Where a migration name is expected: after `--to`, and as the arguments of these commands. */
const MIGRATION_ARGS = ['migrate baseline', 'migrate repair'];

function caseFunctions(nodes: Node[]): string {
  const cases = (pick: (n: Node) => string[]) => nodes.map((n) => `    '${n.path}') echo '${pick(n).join(' ')}' ;;`).join('\n');
  return `_dbctl_subcommands() {
  case "$1" in
${cases((n) => n.subcommands)}
  esac
}
_dbctl_options() {
  case "$1" in
${cases((n) => n.options)}
  esac
}`;
}

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
  for (const n of nodes) {
    const words = n.path ? n.path.split(' ') : [];
    // On this node: every word of its path seen, and none of its subcommands yet.
    const here = [...words.map((w) => `__fish_seen_subcommand_from ${w}`), ...(n.subcommands.length ? [`not __fish_seen_subcommand_from ${n.subcommands.join(' ')}`] : [])];
    const condition = here.length ? `-n '${here.join('; and ')}'` : `-n '__fish_use_subcommand'`;
    if (n.subcommands.length) lines.push(`complete -c dbctl ${condition} -a '${n.subcommands.join(' ')}'`);
    for (const o of n.options) {
      if (!o.startsWith('--')) continue;
      lines.push(`complete -c dbctl ${condition} -l ${o.slice(2)}${o === '--to' ? ` -r -a ${migrations}` : ''}`);
    }
    if (MIGRATION_ARGS.includes(n.path)) lines.push(`complete -c dbctl ${condition} -a ${migrations}`);
  }
  return lines.join('\n') + '\n';
}
