import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectionError } from '../errors.js';

/**
 * PGlite happily opens a data directory that another process already has open, and two writers
 * corrupt it. A lock file beside the directory, holding the owner's pid, turns that into a clear
 * error. A lock whose owner is gone (crash, kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, mine, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === mine) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockPath);
      if (owner && owner.host === os.hostname() && isAlive(owner.pid) && owner.pid !== process.pid) {
        throw new ConnectionError(`embedded database ${dataDir} is in use by another process (pid ${owner.pid}, since ${owner.since})`, {
          hint: 'PGlite allows one process at a time: wait for it to finish, or stop it',
          data: { pid: owner.pid, since: owner.since },
        }, 'database_in_use');
      }
      if (owner && owner.pid === process.pid) {
        throw new ConnectionError(`embedded database ${dataDir} is already open in this process`, {
          hint: 'close the other handle first',
        }, 'database_in_use');
      }
      // Stale: its owner died without cleaning up.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new ConnectionError(`could not lock embedded database ${dataDir}`, {}, 'database_in_use');
}

function readOwner(lockPath: string): { pid: number; host: string; since: string } | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8'));
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding an embedded database's lock, if any (for `dbctl doctor`). */
export function dataDirOwner(dataDir: string): { pid: number; host: string; since: string } | null {
  const owner = readOwner(`${dataDir}.lock`);
  return owner && owner.host === os.hostname() && isAlive(owner.pid) ? owner : null;
}
