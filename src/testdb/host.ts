/**
 * Where test databases live: a Postgres server (databases) or the embedded backend (directories).
 * The template logic in index.ts is written once against this interface.
 */
export interface TestdbHost {
  /** Whether a finished template of this name exists. */
  hasTemplate(name: string): Promise<boolean>;
  /** Runs `fn` while holding the build lock for `name`, waiting for another builder. */
  withBuildLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Creates the template, lets `fill(url)` migrate and seed it, then freezes it as a template. */
  buildTemplate(name: string, fill: (url: string) => Promise<void>): Promise<void>;
  /** A new database copied from a template; `template` undefined = an empty database. */
  clone(name: string, template?: string): Promise<{ url: string; strategy: string }>;
  /** Every database or directory name on the host (the caller filters by prefix). */
  list(): Promise<string[]>;
  drop(name: string): Promise<void>;
  close(): Promise<void>;
}
