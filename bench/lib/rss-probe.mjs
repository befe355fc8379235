// Preloaded into a measured Node process (NODE_OPTIONS=--import): writes its peak RSS (KB) on exit.
import fs from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) fs.writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
