/**
 * How a Herald process's V8 heap grows. V8's defaults are tuned for throughput: the young
 * generation grows to 16 MB semi-spaces, between whose scavenges socket buffers and a poll's
 * garbage pile up, and the old generation may grow to about four times what the last full
 * collection kept. Here the young generation stays at its initial size, and the old generation
 * grows to twice what was kept. Neither is a cap: a big feed still parses, at the cost of more
 * collections. `herald once` over issue 13's 1,000 feeds: peak RSS about 195 → 142 MB, at the
 * same CPU time (growing by half instead: 136 MB, at 10–20% more CPU time).
 *
 * Both flags are read each time the collector sizes the heap, so setting them at run time works
 * (start-up sizes such as --max-semi-space-size would be ignored). They are the whole process's,
 * but starting a worker thread sets them back to the command line's: the CLI imports this first,
 * and so does the parse thread. tests/heap-policy.test.ts shows all three.
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--heap-growing-percent=100');
