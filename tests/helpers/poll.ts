import fs from 'node:fs';

/** Polls `check` until it is true; fails after `tries` polls (a bound, not a timing assumption). */
export async function until(check: () => boolean | Promise<boolean>, what: string, tries = 1200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting until ${what}`);
}

/** True while process `pid` runs (a zombie, exited but not yet reaped, has stopped running). Linux. */
export function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live processes (other than this one) whose command line contains `text`. Linux. */
export function processesWith(text: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(text) && Number(pid) !== process.pid && running(Number(pid))) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
