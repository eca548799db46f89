// Preloaded (`node --import`) into a process the benchmark runs: on exit it writes the
// process's peak resident set size, in bytes, to the file named by $HERALD_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.HERALD_BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
