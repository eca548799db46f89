import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reportFor } from '../../src/cli/failure.ts';
import { configSchema } from '../../src/cli/config-schema.ts';
import { loadConfig } from '../../src/config/load.ts';
import { UserError } from '../../src/errors.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-mutations-'));
const file = path.join(dir, 'herald.yaml');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const VALID = {
  store: './data/herald.db',
  feeds: [
    { id: 'news', url: 'https://news.example/feed/', schedule: '*/5 * * * *', backfill: 2, timeoutSeconds: 30, headers: { 'X-Key': '${KEY}' } },
    { id: 'sport', url: './sport.xml' },
  ],
  channels: [
    { id: 'x-main', platform: 'x', feeds: ['news'], maxPerDay: 17, auth: { appKey: 'a1234', appSecret: 'b1234', accessToken: 'c1234', accessSecret: 'd1234' } },
    { id: 'tg', platform: 'telegram', chatId: '@news', auth: { botToken: '${TG_TOKEN}' } },
    { id: 'hook', platform: 'webhook', url: 'https://user:pw@hooks.example/in', auth: { secret: 'a-secret-of-sixteen-chars' } },
    { id: 'discord', platform: 'discord', auth: { webhookUrl: 'https://discord.com/api/webhooks/1/tok' } },
    { id: 'console', platform: 'console', template: '{title} {link}', hashtags: { max: 1 } },
  ],
};

type Json = unknown;
/** Every path into a value, leaves and branches alike. */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...at, i])));
  if (value && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...at, k])));
  return here;
}

function setAt(root: Json, at: (string | number)[], replacement: Json | typeof DELETE): Json {
  if (at.length === 0) return replacement === DELETE ? null : replacement;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = at[at.length - 1]!;
  if (replacement === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}
const DELETE = Symbol('delete');

const oddValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(-1, 0, 1e300, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, '', ' ', '${UNSET_VAR}', '$${', 'not a url', 'http://', '*/0 * * * *', '<<', '@', 'youtube', 'javascript:alert(1)'),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('key' as const), pick: fc.nat(), key: fc.string({ maxLength: 12 }), value: oddValue }),
);

/** Text edits after serializing: YAML's own syntax in the wrong place, cut lines, aliases. */
const textEdit = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 20 }),
  insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('*a', '&a ', '<<: *a\n', ': ', '- ', '{', ']', '!!binary ', '|\n', '\t', '"', "'", '\n  ', '? ', '%YAML 1.1\n', '---\n', '...\n', '\uFEFF', '\0')),
});

type Mutation = { kind: 'set'; pick: number; value: unknown } | { kind: 'delete'; pick: number } | { kind: 'key'; pick: number; key: string; value: unknown };

function valueAt(root: Json, at: (string | number)[]): Json {
  return at.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], root);
}

function apply(config: Json, m: Mutation): Json {
  const all = paths(config);
  if (m.kind === 'set') return setAt(config, all[m.pick % all.length]!, m.value);
  if (m.kind === 'delete') return setAt(config, all[m.pick % all.length]!, DELETE);
  const maps = all.filter((at) => {
    const v = valueAt(config, at);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  if (maps.length === 0) return config;
  return setAt(config, [...maps[m.pick % maps.length]!, m.key], m.value);
}

/** Loads; any failure must be one a user can read: a UserError, reported in lines without a stack trace. */
function expectNoTrace(text: string, env: NodeJS.ProcessEnv): void {
  fs.writeFileSync(file, text);
  try {
    loadConfig(file, configSchema, env);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const report = reportFor(err, { validating: true });
    expect(report.code).toBe(2);
    for (const line of [...report.stdout, ...report.stderr]) expect(line).not.toMatch(/\n\s+at /);
  }
}

describe('random config mutations never end in a stack trace', () => {
  const env = { KEY: 'key-1234', TG_TOKEN: '123:abc' };

  it('the unmutated config loads', () => {
    fs.writeFileSync(file, stringify(VALID));
    expect(loadConfig(file, configSchema, env).config.channels).toHaveLength(5);
  });

  it('values replaced, keys removed or added, anywhere', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const mutated = mutations.reduce<Json>((c, m) => apply(c, m), VALID);
        let text: string;
        try {
          text = stringify(mutated);
        } catch {
          return; // not representable as YAML at all (a symbol, a function): nothing to load
        }
        expectNoTrace(text, env);
      }),
      { numRuns: 150 },
    );
  });

  it('the YAML text cut and spliced', () => {
    const base = stringify(VALID);
    fc.assert(
      fc.property(fc.array(textEdit, { minLength: 1, maxLength: 3 }), (edits) => {
        const text = edits.reduce((t, e) => {
          const at = e.at % (t.length + 1);
          return t.slice(0, at) + e.insert + t.slice(at + e.cut);
        }, base);
        expectNoTrace(text, env);
      }),
      { numRuns: 150 },
    );
  });
});
