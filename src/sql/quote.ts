/** A quoted SQL identifier: `"name"`, with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A SQL string literal, for the few scripts dbctl sends without parameters (several statements in
 * one round trip). Like node-postgres's escapeLiteral: quotes doubled, and an E'' string with
 * doubled backslashes when there is a backslash, so it reads the same whatever
 * standard_conforming_strings says.
 */
export function quoteLiteral(value: string): string {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\\') ? `E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}
