/**
 * One line per top-level declaration that differs between two generated types files, e.g.
 * `changed interface Users: +email_verified, -nickname, ~score`. A unified diff of a types file
 * shows changed lines without saying which table they belong to; this says it.
 */
export function summarizeTypesDiff(before: string, after: string): string[] {
  const a = declarations(before);
  const b = declarations(after);
  const lines: string[] = [];
  for (const [name, decl] of a) if (!b.has(name)) lines.push(`removed ${decl.kind} ${name}`);
  for (const [name, decl] of b) {
    const old = a.get(name);
    if (!old) lines.push(`added ${decl.kind} ${name}`);
    else if (old.text !== decl.text) lines.push(`changed ${decl.kind} ${name}${members(old, decl)}`);
  }
  return lines;
}

interface Declaration {
  kind: string;
  text: string;
  /** Interface members: name → type (with its doc comment). */
  members: Map<string, string>;
}

function declarations(text: string): Map<string, Declaration> {
  const out = new Map<string, Declaration>();
  let current: Declaration | undefined;
  let comment = '';
  for (const line of text.split(/\r?\n/)) {
    const start = /^export (?:declare )?(interface|type|enum|const) ([\w$]+)/.exec(line);
    if (start) {
      current = { kind: start[1], text: '', members: new Map() };
      out.set(start[2], current);
    } else if (/^import /.test(line)) {
      // Reported as "changed the imports".
      current = out.get('imports') ?? { kind: 'the', text: '', members: new Map() };
      out.set('imports', current);
    }
    if (!current) continue;
    current.text += `${line}\n`;
    const member = /^ {2}("(?:[^"\\]|\\.)*"|[\w$]+): (.*);$/.exec(line);
    if (member) {
      current.members.set(member[1], comment + member[2]);
      comment = '';
    } else if (/^ {2,3}(\/\*\*|\*)/.test(line)) {
      comment += line.trim();
    }
  }
  return out;
}

function members(a: Declaration, b: Declaration): string {
  const changes: string[] = [];
  for (const name of b.members.keys()) if (!a.members.has(name)) changes.push(`+${name}`);
  for (const name of a.members.keys()) if (!b.members.has(name)) changes.push(`-${name}`);
  for (const [name, type] of b.members) if (a.members.has(name) && a.members.get(name) !== type) changes.push(`~${name}`);
  return changes.length ? `: ${changes.join(', ')}` : '';
}
