/**
 * `productionHosts` patterns: a whole host name, case-insensitive, where `*` matches any run of
 * characters (`*.prod.example.com`, `db-prod-*`, `10.0.*`). Returns the first pattern that matches.
 */
export function matchProductionHost(host: string, patterns: readonly string[]): string | undefined {
  const h = host.toLowerCase();
  return patterns.find((pattern) => patternRegExp(pattern).test(h));
}

function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}
