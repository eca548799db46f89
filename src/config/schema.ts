import { z } from 'zod';
import type { AdapterDefinition } from '../platform.ts';
import { channelBaseShape } from './channel-base.ts';
import { feedSchema } from './feed-schema.ts';
import { unsupportedStoreScheme } from './store-url.ts';
import { httpSchema } from './http-schema.ts';
import { alertsSchema } from './alerts-schema.ts';
import { pollingSchema } from './polling-schema.ts';
import { templateProblem } from '../render/template.ts';

/** The full schema of one channel of the given platform: common keys plus the adapter's own. */
export function channelSchemaFor<S extends z.ZodObject>(def: AdapterDefinition<S>, { authOptional = false } = {}) {
  const auth = def.schema.shape.auth as z.ZodType | undefined;
  // Shape named: inferred from the spread it loses the adapter's keys, and a parsed channel would not be what `create` takes.
  return z.strictObject<typeof channelBaseShape & { platform: z.ZodLiteral<string> } & S['shape']>({
    ...channelBaseShape,
    platform: z.literal(def.platform),
    ...def.schema.shape,
    ...(authOptional && auth && { auth: auth.optional() }),
  });
}

/** Platforms that cannot be served, with the reason shown to the operator. */
export type Unsupported = Record<string, string>;

/**
 * `authOptional`: for commands that touch no channel's account (status, history, the
 * operator's actions), a channel may come without `auth`.
 */
export function buildConfigSchema(definitions: AdapterDefinition[], unsupported: Unsupported = {}, { authOptional = false } = {}) {
  const platforms = definitions.map((d) => d.platform);
  // Typed with the common keys only: the adapters' own keys differ by platform.
  const [first, ...rest] = definitions.map((def) => channelSchemaFor<z.ZodObject<{}>>(def, { authOptional }));
  if (!first) throw new Error('no adapters registered');
  const channel = z.discriminatedUnion('platform', [first, ...rest], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const input = issue.input as { platform?: unknown } | undefined;
      const platform = input && typeof input === 'object' ? input.platform : undefined;
      if (typeof platform === 'string' && unsupported[platform]) return unsupported[platform];
      if (platform === undefined) return `required: platform missing (one of: ${platforms.join(', ')})`;
      return `unknown platform ${JSON.stringify(platform)} (expected one of: ${platforms.join(', ')})`;
    },
  });
  return z
    .strictObject({
      $schema: z.string().optional(),
      store: z
        .string()
        .default('./data/herald.db')
        .refine((s) => !unsupportedStoreScheme(s), { error: (issue) => unsupportedStoreScheme(String(issue.input)) })
        .describe('SQLite file (one worker), or a postgres:// URL (any number of workers; ?pool=N&sslmode=…)'),
      userAgent: z.string().optional().describe('User-Agent for feed requests; default names Herald and its version'),
      feeds: z.array(feedSchema).min(1, 'add at least one feed'),
      polling: pollingSchema.prefault({}),
      channels: z.array(channel).min(1, 'add at least one channel'),
      http: httpSchema.optional().describe('The console, API and metrics, served by `herald run`'),
      alerts: alertsSchema.optional(),
    })
    .superRefine(crossCheck, { when: () => true });
}

interface LooseConfig {
  feeds?: { id?: unknown }[];
  channels?: { id?: unknown; feeds?: unknown[]; template?: unknown; priority?: { feeds?: unknown } }[];
  alerts?: { to?: unknown[] };
}

/**
 * Checks across entries: unique ids, known feed references, valid templates. Runs even when
 * other keys failed (`when` above), so every problem is reported at once and the input may
 * be partly malformed.
 */
function crossCheck(config: LooseConfig | null, ctx: z.RefinementCtx): void {
  if (!config || typeof config !== 'object') return;
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  const feedIds = new Set<string>();
  list(config.feeds).forEach((f, i) => {
    if (typeof f?.id !== 'string') return;
    if (feedIds.has(f.id)) ctx.addIssue({ code: 'custom', path: ['feeds', i, 'id'], message: `duplicate feed id "${f.id}"` });
    feedIds.add(f.id);
  });
  const channelIds = new Set<string>();
  list(config.channels).forEach((c, i) => {
    if (typeof c?.id !== 'string') return;
    if (channelIds.has(c.id)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: `duplicate channel id "${c.id}"` });
    channelIds.add(c.id);
    if (typeof c.template === 'string') {
      const problem = templateProblem(c.template);
      if (problem) ctx.addIssue({ code: 'custom', path: ['channels', i, 'template'], message: problem });
    }
    list(c.feeds).forEach((id, j) => {
      if (typeof id === 'string' && !feedIds.has(id)) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'feeds', j], message: `unknown feed "${id}" (feeds are: ${[...feedIds].join(', ')})` });
      }
    });
    const scored = c.priority?.feeds;
    for (const id of scored && typeof scored === 'object' ? Object.keys(scored) : []) {
      if (!feedIds.has(id)) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'priority', 'feeds', id], message: `unknown feed "${id}" (feeds are: ${[...feedIds].join(', ')})` });
      }
    }
  });
  list(config.alerts?.to).forEach((id, i) => {
    if (typeof id === 'string' && !channelIds.has(id)) {
      ctx.addIssue({ code: 'custom', path: ['alerts', 'to', i], message: `unknown channel "${id}" (channels are: ${[...channelIds].join(', ')})` });
    }
  });
}

export type ConfigSchema = ReturnType<typeof buildConfigSchema>;
export type HeraldConfig = z.infer<ConfigSchema>;
export type ChannelConfig = HeraldConfig['channels'][number];
