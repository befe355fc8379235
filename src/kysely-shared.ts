/**
 * Where the running process's Kysely was loaded from when the CLI loaded it as one file
 * (src/cli/kysely-fast.ts); undefined otherwise (the library, or Kysely imported as a package).
 * Migrations bundled for a run (src/migrate/bundle.ts) import that same file when they resolve the
 * same package, so dbctl and the migrations share one instance and Kysely is loaded once.
 */
export interface SharedKysely {
  /** The single-file Kysely. */
  file: string;
  /** The package it was made from (`…/node_modules/kysely`, real path). */
  packageDir: string;
}

let shared: SharedKysely | undefined;

export function sharedKysely(): SharedKysely | undefined {
  return shared;
}

export function setSharedKysely(value: SharedKysely): void {
  shared = value;
}
