import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { ROOT } from './cli.js';

/** The Citus cluster's coordinator, when the machine has one (CI starts it); tests skip and say so without. */
export const CITUS = process.env.TEST_CITUS_URL;
const SCRIPT = path.resolve(ROOT, '../shared/postgres/citus-cluster.sh');

/** A new database on every node with the extension and the workers registered (the cluster script's createdb); its URL. */
export function citusDatabase(name: string): string {
  return execFileSync('bash', [SCRIPT, 'createdb', name], { encoding: 'utf8' }).trim().split('\n').pop()!;
}

export function dropCitusDatabase(name: string): void {
  execFileSync('bash', [SCRIPT, 'dropdb', name]);
}

/** A database name no other test uses. */
export function citusName(prefix: string): string {
  return `dbctl_tmp_citus_${prefix}_${crypto.randomBytes(3).toString('hex')}`;
}
