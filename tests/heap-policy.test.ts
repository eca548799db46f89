/**
 * src/heap-policy.ts sets V8 flags at run time, which V8 may ignore and a worker thread's start
 * resets: each child process here runs the same allocation pattern (a long-lived set, and batches
 * that live a while and are dropped, as a poll's are) and reports its heap's high-water marks.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const MB = 1_048_576;

const WORKLOAD = `
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
const policy = "import('tsx/esm/api').then(({ register }) => { register(); return import('./src/heap-policy.ts'); })";
const thread = { bare: '', policy }[process.env.THREAD];
if (thread !== undefined) await new Promise((done) => new Worker(thread, { eval: true, execArgv: [] }).on('exit', done));
const size = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name).space_size;
const kept = Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'kept' + i }));
const batches = [];
let young = 0;
let old = 0;
for (let round = 0; round < 600; round++) {
  batches.push(Array.from({ length: 2_000 }, (_, i) => ({ i, text: 'y'.repeat(40) + round + i })));
  if (batches.length > 40) batches.shift();
  young = Math.max(young, size('new_space'));
  old = Math.max(old, size('old_space'));
}
console.log(JSON.stringify({ young, old, kept: kept.length }));
`;

/** The workload's high-water marks, with the policy imported first or not, run after a thread has started and ended: one running nothing (bare), or the policy. */
function highWaterMarks(withPolicy: boolean, thread?: 'bare' | 'policy'): { young: number; old: number } {
  const policy = withPolicy ? ['--import', './src/heap-policy.ts'] : [];
  const out = execFileSync(process.execPath, ['--import', 'tsx', ...policy, '--input-type=module', '-e', WORKLOAD], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, THREAD: thread ?? '' },
  });
  return JSON.parse(out) as { young: number; old: number };
}

describe('heap policy', () => {
  it('keeps the young generation at its initial size and the old one near what is live', () => {
    const without = highWaterMarks(false);
    const policy = highWaterMarks(true);
    expect(without.young).toBeGreaterThan(16 * MB);
    expect(policy.young).toBeLessThanOrEqual(8 * MB);
    expect(policy.old).toBeLessThan(without.old * 0.6);
  });

  it('is undone by a worker thread starting, and restored by the thread importing it too', () => {
    expect(highWaterMarks(true, 'bare').young).toBeGreaterThan(16 * MB);
    expect(highWaterMarks(true, 'policy').young).toBeLessThanOrEqual(8 * MB);
  });
});
