import { Hono, type Context } from 'hono';
import { DELIVERY_STATES, type AttemptRecord, type Delivery, type DeliveryState } from '../delivery/types.ts';
import type { ActionResult } from '../operator/actions.ts';
import { isDeliveryAction, runDeliveryAction, deliveryActionMessage, releaseMessage, resumeMessage } from './actions.ts';
import { sameSecret } from './auth.ts';
import type { ConsoleChannel } from './console-channel.ts';
import { statusData, type StatusSources } from './status-data.ts';

export interface ApiDeps extends StatusSources {
  token: string;
  channels: ConsoleChannel[];
  now: () => number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function attemptJson(a: AttemptRecord) {
  return {
    n: a.n,
    startedAt: iso(a.startedAt),
    finishedAt: iso(a.finishedAt),
    outcome: a.outcome ?? null,
    code: a.code ?? null,
    httpStatus: a.httpStatus ?? null,
    detail: a.detail ?? null,
    workerId: a.workerId ?? null,
  };
}

function deliveryJson(d: Delivery, attempts: AttemptRecord[], text: string | undefined) {
  return {
    id: d.id,
    kind: d.kind,
    targetId: d.targetId ?? null,
    channel: d.channelId,
    feed: d.feedId,
    state: d.state,
    priority: d.priority,
    dueAt: iso(d.dueAt),
    createdAt: iso(d.createdAt),
    settledAt: iso(d.settledAt),
    dryRun: d.dryRun,
    article: { id: d.article.id, title: d.article.title, link: d.article.link, publishedAt: d.article.publishedAt ?? null },
    text: text ?? null,
    remoteId: d.remoteId ?? null,
    remoteUrl: d.remoteUrl ?? null,
    lastError: d.lastError ?? null,
    lastCode: d.lastCode ?? null,
    attempts: attempts.map(attemptJson),
  };
}

/** The stored text, or what the channel would send now for a delivery not yet claimed. */
async function textOf(channels: ConsoleChannel[], d: Delivery): Promise<string | undefined> {
  if (d.rendered) return d.rendered.text;
  const outcome = await channels.find((c) => c.id === d.channelId)?.postOf(d);
  return outcome?.ok ? outcome.post.text : undefined;
}

const problem = (c: Context, status: 400 | 401 | 404 | 409, error: string) => c.json({ error }, status);

function actionJson(c: Context, result: ActionResult, message: string) {
  const status = result.code === 'not-found' ? 404 : result.code === 'wrong-state' ? 409 : 200;
  return c.json({ result: result.code, count: result.count, delivery: result.delivery ?? null, message }, status);
}

/** `/api/…`: JSON behind `Authorization: Bearer <token>`. */
export function apiRoutes(deps: ApiDeps): Hono {
  const api = new Hono();
  api.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given = /^Bearer (.+)$/i.exec(header)?.[1];
    if (given === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="herald"');
      return problem(c, 401, 'missing token: send the header "Authorization: Bearer <http.token>"');
    }
    if (!sameSecret(given, deps.token)) {
      c.header('WWW-Authenticate', 'Bearer realm="herald", error="invalid_token"');
      return problem(c, 401, 'wrong token: use the value of http.token from the config');
    }
    await next();
  });

  api.get('/status', async (c) => {
    const now = deps.now();
    const [data, counts] = await Promise.all([statusData(deps, now), deps.store.countByState()]);
    return c.json({
      now: iso(now),
      counts,
      feeds: data.feeds.map((f) => ({
        id: f.id,
        lastPollAt: iso(f.state?.lastPollAt),
        lastOkAt: iso(f.state?.lastOkAt),
        nextPollAt: iso(f.state?.nextPollAt),
        lastError: f.state?.lastError ?? null,
        failures: f.state?.failures ?? 0,
        held: f.held,
      })),
      channels: data.channels.map((ch) => ({
        id: ch.id,
        platform: ch.platform,
        queue: ch.queue,
        paused: ch.state?.pausedReason ? { reason: ch.state.pausedReason, since: iso(ch.state.pausedAt) } : null,
        blocked:
          ch.state?.blockedUntil !== undefined && ch.state.blockedUntil > now
            ? { code: ch.state.blockedCode ?? null, until: iso(ch.state.blockedUntil), reason: ch.state.blockedReason ?? null }
            : null,
        credentialExpiresAt: iso(ch.credentialExpiresAt),
      })),
      workers: data.workers.map((w) => ({ ...w, startedAt: iso(w.startedAt), heartbeatAt: iso(w.heartbeatAt) })),
    });
  });

  api.get('/deliveries', async (c) => {
    const channel = c.req.query('channel') || undefined;
    const stateParam = c.req.query('state') || undefined;
    const limitParam = c.req.query('limit');
    const states = stateParam?.split(',').map((s) => s.trim());
    const unknown = states?.find((s) => !(DELIVERY_STATES as readonly string[]).includes(s));
    if (unknown !== undefined) return problem(c, 400, `state: unknown state "${unknown}" (expected one of: ${DELIVERY_STATES.join(', ')})`);
    const limit = limitParam === undefined ? DEFAULT_LIMIT : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return problem(c, 400, `limit: expected a whole number from 1 to ${MAX_LIMIT}`);
    if (channel !== undefined && !deps.channels.some((ch) => ch.id === channel)) return problem(c, 404, `channel: unknown channel "${channel}"`);
    const deliveries = await deps.store.deliveries({
      ...(states && { states: states as DeliveryState[] }),
      ...(channel !== undefined && { channelId: channel }),
      limit,
    });
    const attempts = await deps.store.attempts(deliveries.map((d) => d.id));
    const texts = await Promise.all(deliveries.map((d) => textOf(deps.channels, d)));
    return c.json({ deliveries: deliveries.map((d, i) => deliveryJson(d, attempts.get(d.id) ?? [], texts[i])) });
  });

  api.post('/deliveries/:id/:action', async (c) => {
    const action = c.req.param('action');
    const id = Number(c.req.param('id'));
    if (!isDeliveryAction(action)) return problem(c, 404, `unknown action "${action}" (expected approve, reject, retry or skip)`);
    if (!Number.isSafeInteger(id) || id < 1) return problem(c, 400, `id: expected a delivery number, got "${c.req.param('id')}"`);
    const result = await runDeliveryAction(deps.store, action, id, deps.now());
    return actionJson(c, result, deliveryActionMessage(action, id, result));
  });

  api.post('/feeds/:id/release', async (c) => {
    const feedId = c.req.param('id');
    if (!deps.feedIds.includes(feedId)) return problem(c, 404, `unknown feed "${feedId}"`);
    const result = await deps.store.release(feedId, deps.now());
    return actionJson(c, result, releaseMessage(feedId, result));
  });

  api.post('/channels/:id/resume', async (c) => {
    const channelId = c.req.param('id');
    if (!deps.channels.some((ch) => ch.id === channelId)) return problem(c, 404, `unknown channel "${channelId}"`);
    const result = await deps.store.resume(channelId);
    return actionJson(c, result, resumeMessage(channelId, result));
  });

  api.all('*', (c) => problem(c, 404, `no such API endpoint: ${c.req.method} ${c.req.path}`));
  return api;
}
