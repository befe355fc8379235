/**
 * Order from the catalog's dependencies: each view lists the relations it reads (pg_depend through
 * its rewrite rule, `ViewInfo.dependsOn`). Creates go dependencies first; drops go in reverse.
 */

interface Node {
  schema: string;
  name: string;
  dependsOn: string[];
}

/** `nodes` so that each comes after those it depends on (cycles, impossible for views, are cut). */
export function dependencyOrder<T extends Node>(nodes: T[]): T[] {
  const byName = new Map(nodes.map((n) => [`${n.schema}.${n.name}`, n]));
  const done = new Set<string>();
  const ordered: T[] = [];
  const visit = (n: T, path: Set<string>) => {
    const key = `${n.schema}.${n.name}`;
    if (done.has(key) || path.has(key)) return;
    path.add(key);
    for (const dep of n.dependsOn) if (byName.has(dep)) visit(byName.get(dep)!, path);
    done.add(key);
    ordered.push(n);
  };
  for (const n of nodes) visit(n, new Set());
  return ordered;
}

/** Every node that depends, directly or through others, on one of `changed` (names `schema.name`). */
export function dependentsOf<T extends Node>(nodes: T[], changed: Set<string>): Set<string> {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      const key = `${n.schema}.${n.name}`;
      if (out.has(key)) continue;
      if (n.dependsOn.some((d) => changed.has(d) || out.has(d))) {
        out.add(key);
        grew = true;
      }
    }
  }
  return out;
}
