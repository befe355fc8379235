import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/**
 * Runs one process to completion and returns its whole-process wall time in ms (spawn to exit,
 * the time a user waits). A non-zero exit is an error carrying the tail of stderr: a benchmark that
 * silently measures a failure is worse than none. With `rss`, a Node process reports its peak RSS;
 * with `stdout`, its output is returned (a script that times its own inner loop).
 */
export async function timeProcess(command, args, { cwd, env, rss = false, stdout = false } = {}) {
  let rssFile;
  if (rss) {
    rssFile = path.join(os.tmpdir(), `dbctl-bench-rss-${process.pid}-${Date.now()}`);
    env = { ...(env ?? process.env), BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--import=${PROBE}` };
  }
  const started = performance.now();
  const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'] });
  let stderr = '';
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited ${code}:\n${stderr.trim()}`);
  let peakMb;
  if (rssFile) {
    peakMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    fs.rmSync(rssFile, { force: true });
  }
  return { ms, peakMb, stdout: out };
}

/** Runs an in-process async function and returns its wall time in ms (used for the floors that are one statement). */
export async function timeFn(fn) {
  const started = performance.now();
  await fn();
  return { ms: performance.now() - started };
}

/**
 * Measures variants interleaved: one untimed warm-up round, then `runs` rounds of every variant,
 * the order reversed every other round (A B C, C B A, …) so slow drift on a shared machine does not
 * favour whoever runs first. Each variant is `{ name, setup?, run }`; `setup` is not timed.
 */
export async function interleave(variants, { runs, warmup = true, log = () => {} }) {
  const samples = new Map(variants.map((v) => [v.name, []]));
  const peaks = new Map(variants.map((v) => [v.name, []]));
  for (let round = warmup ? -1 : 0; round < runs; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      if (v.setup) await v.setup();
      const result = await v.run();
      if (round >= 0) {
        samples.get(v.name).push(result.ms);
        if (result.peakMb !== undefined) peaks.get(v.name).push(result.peakMb);
      }
      log(`${round < 0 ? 'warm-up' : `run ${round + 1}/${runs}`} ${v.name}: ${result.ms.toFixed(0)} ms`);
    }
  }
  return variants.map((v) => ({
    name: v.name,
    samples: samples.get(v.name),
    median: median(samples.get(v.name)),
    peakMb: peaks.get(v.name).length ? Math.max(...peaks.get(v.name)) : undefined,
    note: v.note,
  }));
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
