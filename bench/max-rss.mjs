// Preloaded (`node --import`) into a process the benchmark runs: on exit it writes the
// process's peak resident set size, in bytes, and its CPU time (user and system), in
// microseconds, to the file named by $HERALD_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.HERALD_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(out, `${usage.maxRSS * 1024} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
