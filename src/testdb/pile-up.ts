/**
 * Embedded test databases are folders (~39 MB each: a copy of the template's data directory). A
 * clone that is kept (DBCTL_KEEP_TEST_DB, a crashed test run) stays until it is dropped, so they
 * pile up unseen. From this many clones on, whoever makes one says that `testdb prune` exists:
 * 20 is ~0.8 GB, past what a few kept failures explain.
 */
export const PRUNE_NOTE_AT = 20;
const EMBEDDED_CLONE_MB = 39;

/** The note for `clones` embedded clones in `dir`, or undefined below the threshold. */
export function pruneNote(clones: number, dir: string): string | undefined {
  if (clones < PRUNE_NOTE_AT) return undefined;
  return `${clones} embedded test databases in ${dir} (~${EMBEDDED_CLONE_MB} MB each): \`dbctl testdb prune --older-than 1d\` removes old ones, \`dbctl testdb drop --all\` all of them`;
}
