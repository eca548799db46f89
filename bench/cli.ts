/**
 * The installed CLI against its floors, each run as a process and timed whole, start-up
 * included (`npm run bench -- cli`): `herald --version` and `herald validate` on the example
 * config against their targets, and `herald once` over 1,000 loopback feeds with 10 dry-run
 * channels, cold and then warm (every feed 304), beside a bare fetch + rss-parser loop
 * (bench/bare-poll.mjs) over the same feeds at the same concurrency, in the same run.
 * Runs the bundled CLI, as installed: dist/ is built first when it is older than the sources.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serverStats, startFeedServer } from './loopback.ts';
import { PLATFORM_KEYS } from './platform-keys.ts';

type Report = (name: string, value: number, unit: string, detail?: string) => void;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HERALD = path.join(ROOT, 'bin/herald.js');
const BARE = path.join(ROOT, 'bench/bare-poll.mjs');
const MAX_RSS = pathToFileURL(path.join(ROOT, 'bench/max-rss.mjs')).href;
const EXAMPLE = path.join(ROOT, 'config/herald.example.yaml');

const FEEDS = 1_000;
const ITEMS_PER_FEED = 20;
const CHANNELS = 10;
const CONCURRENCY = 8;
const ROUNDS = 3;
const STARTS = 10;
const TARGET = { version: 0.3, validate: 0.5, once: 1.3, rssMb: 150 };

interface Run {
  seconds: number;
  rssMb: number;
  /** User and system CPU time: meaningful when other processes share the machine. */
  cpuSeconds: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fixed = (value: number) => value.toFixed(2);

/** Runs `node args…` to its end; throws with its stderr when it fails. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}, dir = ROOT): Promise<Run> {
  const rssFile = path.join(dir, `rss-${process.pid}-${performance.now()}.txt`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', MAX_RSS, ...args], {
    cwd: dir,
    env: { ...process.env, ...env, HERALD_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim().slice(0, 500)}`);
  const [maxRss, cpuMicros] = fs.readFileSync(rssFile, 'utf8').split(' ').map(Number);
  fs.rmSync(rssFile);
  return { seconds, rssMb: maxRss! / 1_048_576, cpuSeconds: cpuMicros! / 1e6 };
}

function modified(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** Builds dist/ when a source or the lock file is newer than it: bin/herald.js would otherwise run the sources through tsx. */
function ensureBuilt(report: Report): void {
  const sources = ['src', 'adapters'].flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(ROOT, dir, f)),
  );
  const newest = Math.max(modified(path.join(ROOT, 'package.json')), modified(path.join(ROOT, 'package-lock.json')), ...sources.map(modified));
  if (modified(path.join(ROOT, 'dist/main.js')) >= newest) return;
  const t0 = performance.now();
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stdout}${built.stderr}`);
  report('cli build (dist/ was stale)', (performance.now() - t0) / 1000, 's');
}

/** The example config with its feed served by the loopback server and every `${NAME}` given a placeholder. */
function exampleConfig(dir: string, feedUrl: string): { file: string; env: NodeJS.ProcessEnv } {
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  const file = path.join(dir, 'example.yaml');
  fs.writeFileSync(file, text.replaceAll('https://astanatimes.com/feed/', feedUrl));
  const names = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!));
  return { file, env: Object.fromEntries([...names].map((name) => [name, `bench-${name.toLowerCase()}-placeholder`])) };
}

/** 1,000 feeds and 10 dry-run channels of 10 platforms (JSON is YAML). */
function onceConfig(dir: string, port: number): string {
  const platforms = Object.keys(PLATFORM_KEYS).slice(0, CHANNELS);
  const config = {
    store: './herald.db',
    polling: { concurrency: CONCURRENCY, perHost: CONCURRENCY },
    feeds: Array.from({ length: FEEDS }, (_, i) => ({ id: `feed-${i}`, url: `http://127.0.0.1:${port}/feeds/${i}/` })),
    channels: platforms.map((platform) => ({ id: `${platform}-bench`, platform, dryRun: true, ...PLATFORM_KEYS[platform] })),
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'herald.yaml');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

export async function benchCli(report: Report, tmp: string): Promise<void> {
  ensureBuilt(report);
  const bareStarts: Run[] = [];
  const versions: Run[] = [];
  for (let i = 0; i < STARTS; i++) {
    bareStarts.push(await run(['-e', '']));
    versions.push(await run([HERALD, '--version']));
  }
  const cpu = (list: Run[]) => median(list.map((r) => r.cpuSeconds));
  const bareStart = `a bare \`node -e ""\` ${fixed(median(bareStarts.map((r) => r.seconds)))} s, cpu ${fixed(cpu(bareStarts))} s`;
  const version = median(versions.map((r) => r.seconds));
  report(
    'cli herald --version',
    version,
    's',
    `${fixed(version / TARGET.version)}× the ${TARGET.version} s target; cpu ${fixed(cpu(versions))} s; ${bareStart}; median of ${STARTS}`,
  );

  const server = await startFeedServer(FEEDS, ITEMS_PER_FEED, Date.now() - 60_000);
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const example = exampleConfig(tmp, `${base}/feeds/0/`);
    const validations: Run[] = [];
    for (let i = 0; i < STARTS / 2; i++) validations.push(await run([HERALD, 'validate', '--config', example.file], example.env));
    const validate = median(validations.map((r) => r.seconds));
    report(
      'cli herald validate',
      validate,
      's',
      `${fixed(validate / TARGET.validate)}× the ${TARGET.validate} s target; cpu ${fixed(cpu(validations))} s; config/herald.example.yaml, offline (its feed, on loopback, is fetched only by --online); ${bareStart}; median of ${validations.length}`,
    );

    const runs = { bareCold: [] as Run[], bareWarm: [] as Run[], cold: [] as Run[], warm: [] as Run[] };
    let notModified = 0;
    const connections = { cold: [] as number[], warm: [] as number[] };
    const connectionsSoFar = async () => (await serverStats(server)).connections ?? 0;
    for (let round = 0; round < ROUNDS; round++) {
      const etags = path.join(tmp, `etags-${round}.json`);
      runs.bareCold.push(await run([BARE, base, String(FEEDS), String(CONCURRENCY), 'cold', etags]));
      runs.bareWarm.push(await run([BARE, base, String(FEEDS), String(CONCURRENCY), 'warm', etags]));
      const config = onceConfig(path.join(tmp, `once-${round}`), server.port);
      const beforeCold = await connectionsSoFar();
      runs.cold.push(await run([HERALD, 'once', '--config', config], {}, path.dirname(config)));
      connections.cold.push((await connectionsSoFar()) - beforeCold);
      const before = await serverStats(server);
      runs.warm.push(await run([HERALD, 'once', '--config', config], {}, path.dirname(config)));
      const after = await serverStats(server);
      notModified += (after.notModified ?? 0) - (before.notModified ?? 0);
      connections.warm.push((after.connections ?? 0) - (before.connections ?? 0));
    }
    const seconds = (list: Run[]) => median(list.map((r) => r.seconds));
    const setup = `${FEEDS} feeds × ${ITEMS_PER_FEED} items, ${CHANNELS} dry-run channels, concurrency ${CONCURRENCY}, process start included, median of ${ROUNDS}`;
    report(
      'cli once cold vs bare fetch+rss-parser',
      seconds(runs.cold) / seconds(runs.bareCold),
      '×',
      `target ≤ ${TARGET.once}×; herald once ${fixed(seconds(runs.cold))} s, bare loop ${fixed(seconds(runs.bareCold))} s; ` +
        `${median(connections.cold)} connections for ${FEEDS} requests; ${setup}`,
    );
    report(
      'cli once warm (all 304) vs bare conditional GET',
      seconds(runs.warm) / seconds(runs.bareWarm),
      '×',
      `target ≤ ${TARGET.once}×; herald once ${fixed(seconds(runs.warm))} s, bare loop ${fixed(seconds(runs.bareWarm))} s; ` +
        `${notModified} of ${FEEDS * ROUNDS} herald polls answered 304, ${median(connections.warm)} connections for ${FEEDS} requests; ${setup}`,
    );
    const peak = Math.max(...runs.cold.map((r) => r.rssMb), ...runs.warm.map((r) => r.rssMb));
    report(
      'cli once peak rss',
      peak,
      'MB',
      `${fixed(peak / TARGET.rssMb)}× the ${TARGET.rssMb} MB target; bare loop ${Math.round(Math.max(...runs.bareCold.map((r) => r.rssMb)))} MB; ${FEEDS} feeds × ${CHANNELS} channels, highest of every herald once`,
    );
  } finally {
    await server.stop();
  }
}
