import type { Host } from '../driver/host.js';
import type { Target } from '../driver/target.js';
import { isDbctlError, LockTimeoutError } from '../errors.js';
import { createDatabaseError } from '../sql/create-database-error.js';
import { hasSqlstate } from '../sql/sqlstate.js';

/**
 * Where test databases live, with the template steps on top of the driver's Host: a server's
 * databases or the embedded test directories. The template logic in index.ts is written once
 * against this interface; on a Citus cluster the Host underneath makes every database on every node (driver/pg/citus.ts).
 */
export interface TestdbHost {
  /** The host underneath (its capabilities and label). */
  readonly host: Host;
  /** Whether a finished template of this name exists. */
  hasTemplate(name: string): Promise<boolean>;
  /** Host.templateIdentity: what changes whenever the template's contents can have. */
  templateIdentity(name: string): Promise<string | undefined>;
  /** Runs `fn` while holding the build lock for `name`, waiting for another builder. */
  withBuildLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Creates the template, lets `fill(target)` migrate and seed it, then freezes it as a template. */
  buildTemplate(name: string, fill: (target: Target) => Promise<void>): Promise<void>;
  /** A new database copied from a template; `template` undefined = an empty database. */
  clone(name: string, template?: string): Promise<{ target: Target; strategy: string }>;
  /** Every database or directory name on the host (the caller filters by prefix). */
  list(): Promise<string[]>;
  drop(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Test databases on a driver Host: every step is the Host's, whatever the backend. */
export function testdbHost(host: Host, lockTimeoutMs: number): TestdbHost {
  const create = async (name: string, template?: string) => {
    try {
      return await host.create(name, { template });
    } catch (error) {
      if (isDbctlError(error)) throw error;
      const sessions = hasSqlstate(error, 'object_in_use') && template ? (await host.sessions(template)).map((s) => `pid ${s.pid} (${s.application || '?'})`) : [];
      throw createDatabaseError(error, name, template, host.role ?? '', sessions) ?? error;
    }
  };
  const drop = (name: string) => host.drop(name, { force: true, template: true });
  return {
    host,
    hasTemplate: (name) => host.isTemplate(name),
    templateIdentity: async (name) => host.templateIdentity?.(name),
    async withBuildLock(name, fn) {
      let locked = false;
      try {
        return await host.withLock(name, lockTimeoutMs, () => {
          locked = true;
          return fn();
        });
      } catch (error) {
        // Only the wait for the lock: a timeout inside the build (a migration's lock) is the build's own.
        if (locked || !isDbctlError(error) || error.code !== 'lock_timeout') throw error;
        throw new LockTimeoutError(`timed out after ${(lockTimeoutMs / 1000).toFixed(1)} s waiting for another process building template ${name}`, {
          hint: 'a template build (migrate + seed) is slow or stuck; raise --lock-timeout or stop that process',
          data: error.data,
        });
      }
    },
    async buildTemplate(name, fill) {
      // A half-built template from a killed builder is not marked as a template: start over.
      await drop(name);
      const { target } = await create(name);
      try {
        await fill(target);
        await host.markTemplate(name);
      } catch (error) {
        await drop(name).catch(() => {});
        throw error;
      }
    },
    async clone(name, template) {
      const { target, strategy } = await create(name, template);
      return { target, strategy };
    },
    list: () => host.list(),
    drop: async (name) => void (await drop(name)),
    close: () => host.close(),
  };
}
