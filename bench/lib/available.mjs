import { spawnSync } from 'node:child_process';
import { DBCTL, NODE } from './project.mjs';

/**
 * Whether the dbctl binary has a command yet (others build them in parallel): null when it does,
 * else the reason the case is "not available".
 */
export function missingCommand(...words) {
  const r = spawnSync(NODE, [DBCTL, ...words, '--help'], { encoding: 'utf8' });
  const text = r.stdout + r.stderr;
  if (r.status !== 0 || /unknown command/i.test(text)) return `\`dbctl ${words.join(' ')}\` is not in this build`;
  return null;
}
