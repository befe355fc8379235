import crypto from 'node:crypto';

/**
 * Test databases are recognised by name alone, so `drop --all` and `prune` never touch anything
 * else and need no registry: `<prefix>_tpl_<hash>` for templates, `<prefix>_test_<created>_<random>`
 * for clones, where <created> is the creation time in base 36 (what `prune --older-than` reads).
 */
export function templateName(prefix: string, hash: string): string {
  return `${prefix}_tpl_${hash}`;
}

export function cloneName(prefix: string, now = Date.now()): string {
  return `${prefix}_test_${now.toString(36)}_${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * A template `dbctl db copy --testdb NAME` filled from a source (masked, subsetted): clones from it
 * are production-shaped. Not tied to a migration set, so `prune` keeps it; `drop` removes it.
 */
export function copyTemplateName(prefix: string, name: string): string {
  return `${prefix}_copy_${name}`;
}

export const COPY_TEMPLATE_NAME = /^[a-z0-9_]{1,30}$/;

export type TestdbKind = 'template' | 'clone';

export interface ParsedName {
  kind: TestdbKind;
  /** When a clone was created; null for templates. */
  createdAt: Date | null;
  /** A template made by `db copy --testdb` (kept by prune). */
  copy?: boolean;
}

export function parseTestdbName(prefix: string, name: string): ParsedName | null {
  if (!name.startsWith(`${prefix}_`)) return null;
  const rest = name.slice(prefix.length + 1);
  if (/^tpl_[0-9a-f]{16}$/.test(rest)) return { kind: 'template', createdAt: null };
  if (rest.startsWith('copy_') && COPY_TEMPLATE_NAME.test(rest.slice(5))) return { kind: 'template', createdAt: null, copy: true };
  const clone = /^test_([0-9a-z]+)_[0-9a-f]{8}$/.exec(rest);
  if (clone) return { kind: 'clone', createdAt: new Date(parseInt(clone[1], 36)) };
  return null;
}
