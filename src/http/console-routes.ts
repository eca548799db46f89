import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import type { Delivery, DeliveryState } from '../delivery/types.ts';
import { deliveryActionMessage, isDeliveryAction, releaseMessage, resumeMessage, runDeliveryAction } from './actions.ts';
import { SESSION_MS, Sessions, sameSecret } from './auth.ts';
import type { ConsoleChannel } from './console-channel.ts';
import type { ConsoleStore } from './console-store.ts';
import { deliveryViews } from './delivery-views.ts';
import { loginPage } from './console/login.ts';
import { page, type Section, type Html } from './console/layout.ts';
import { overviewBody } from './console/overview.ts';
import { deliveryBody, historyBody, previewBody, QUEUE_SECTIONS, queueBody } from './console/pages.ts';
import { LoginLimiter } from './login-limiter.ts';
import { statusData, type StatusSources } from './status-data.ts';

export interface ConsoleDeps extends StatusSources {
  token: string;
  store: ConsoleStore;
  channels: ConsoleChannel[];
  now: () => number;
}

const SESSION_COOKIE = 'herald_session';
const NOTICE_COOKIE = 'herald_notice';
const LIST_LIMIT = 100;
const PREVIEW_STATES: DeliveryState[] = ['review', 'held', 'pending'];

type Env = { Variables: { session: string } };

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const secure = (c: Context) => new URL(c.req.url).protocol === 'https:';

function duration(seconds: number): string {
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** The console: a login form, then pages behind a signed session cookie; every form carries the session's CSRF token. */
export function consoleRoutes(deps: ConsoleDeps): Hono<Env> {
  const app = new Hono<Env>();
  const sessions = new Sessions(deps.token);
  const logins = new LoginLimiter();
  const channelIds = deps.channels.map((c) => c.id);

  const render = async (c: Context<Env>, section: Section, title: string, body: Html, status: 200 | 404 = 200) => {
    const notice = getCookie(c, NOTICE_COOKIE);
    if (notice !== undefined) deleteCookie(c, NOTICE_COOKIE, { path: '/' });
    return c.html(page({ title, section, csrf: sessions.csrfToken(c.get('session')), ...(notice && { notice }), body }), status);
  };
  const views = (deliveries: Delivery[]) => deliveryViews(deps.store, deps.channels, deliveries);
  const doneAndBack = (c: Context<Env>, notice: string, fallback: string) => {
    setCookie(c, NOTICE_COOKIE, notice, { path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(c), maxAge: 60 });
    const referer = c.req.header('referer');
    const back = referer && new URL(referer, c.req.url).origin === new URL(c.req.url).origin ? new URL(referer, c.req.url) : undefined;
    return c.redirect(back ? `${back.pathname}${back.search}` : fallback, 303);
  };
  const channelParam = (c: Context) => {
    const id = c.req.query('channel');
    return id && channelIds.includes(id) ? id : undefined;
  };

  // Cross-site form posts are refused by origin first (Origin / Sec-Fetch-Site), then by token.
  app.use('*', csrf());

  app.get('/login', (c) => c.html(loginPage()));
  app.post('/login', async (c) => {
    const address = clientAddress(c);
    const wait = await logins.waitSeconds(address);
    if (wait > 0) return c.html(loginPage(`Too many failed logins from your address: try again in ${duration(wait)}.`), 429);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    if (!sameSecret(token, deps.token)) {
      await logins.failed(address);
      return c.html(loginPage('Wrong token: enter the value of http.token from Herald’s config.'), 401);
    }
    await logins.succeeded(address);
    const { cookie } = sessions.issue(deps.now());
    setCookie(c, SESSION_COOKIE, cookie, { path: '/', httpOnly: true, sameSite: 'Strict', secure: secure(c), maxAge: SESSION_MS / 1000 });
    return c.redirect('/', 303);
  });

  app.use('*', async (c, next) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    const state = sessions.check(cookie, deps.now());
    if (state !== 'valid' || cookie === undefined) {
      if (c.req.method !== 'GET') return c.html(loginPage('Your session has ended: log in again, then repeat the action.'), 401);
      return state === 'expired' ? c.html(loginPage('Your session expired: log in again.'), 401) : c.redirect('/login', 303);
    }
    c.set('session', cookie);
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (!sessions.validCsrf(cookie, typeof form.csrf === 'string' ? form.csrf : undefined)) {
        return c.html(page({ title: 'Not done', body: html`<p class="problem">This form is out of date or came from another site, so nothing was done. <a href="/">Reload the console</a> and try again.</p>` }), 403);
      }
    }
    await next();
  });

  app.post('/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  app.get('/', async (c) => render(c, 'overview', 'Overview', overviewBody(await statusData(deps, deps.now()), sessions.csrfToken(c.get('session')))));

  app.get('/queue', async (c) => {
    const channel = channelParam(c);
    const state = QUEUE_SECTIONS.find((s) => s.state === c.req.query('state'))?.state;
    const deliveries = await deps.store.deliveries({ states: state ? [state] : QUEUE_SECTIONS.map((s) => s.state), ...(channel && { channelId: channel }), limit: LIST_LIMIT });
    const body = queueBody(await views(deliveries.reverse()), channelIds, { ...(channel && { channel }), ...(state && { state }) }, sessions.csrfToken(c.get('session')), deps.now());
    return render(c, 'queue', 'Queue', body);
  });

  app.get('/history', async (c) => {
    const channel = channelParam(c);
    const deliveries = await deps.store.deliveries({ ...(channel && { channelId: channel }), limit: LIST_LIMIT });
    return render(c, 'history', 'History', historyBody(await views(deliveries), channelIds, { ...(channel && { channel }) }, sessions.csrfToken(c.get('session')), deps.now()));
  });

  app.get('/preview', async (c) => {
    const channel = channelParam(c);
    const deliveries = await deps.store.deliveries({ states: PREVIEW_STATES, ...(channel && { channelId: channel }), limit: LIST_LIMIT });
    return render(c, 'preview', 'Preview', previewBody(await views(deliveries.reverse()), channelIds, { ...(channel && { channel }) }, sessions.csrfToken(c.get('session')), deps.now()));
  });

  app.get('/deliveries/:id', async (c) => {
    const id = Number(c.req.param('id'));
    const delivery = Number.isSafeInteger(id) ? await deps.store.delivery(id) : undefined;
    if (!delivery) return render(c, 'history', 'Not found', html`<p class="problem">There is no delivery #${c.req.param('id')}: check the id in the queue or in history.</p>`, 404);
    const [view] = await views([delivery]);
    return render(c, 'history', `#${id}`, deliveryBody(view!, sessions.csrfToken(c.get('session')), deps.now()));
  });

  app.post('/actions/deliveries/:id/:action', async (c) => {
    const action = c.req.param('action');
    const id = Number(c.req.param('id'));
    if (!isDeliveryAction(action) || !Number.isSafeInteger(id)) return c.notFound();
    const result = await runDeliveryAction(deps.store, action, id, deps.now());
    return doneAndBack(c, deliveryActionMessage(action, id, result), '/queue');
  });

  app.post('/actions/feeds/:id/release', async (c) => {
    const feedId = c.req.param('id');
    if (!deps.feedIds.includes(feedId)) return c.notFound();
    return doneAndBack(c, releaseMessage(feedId, await deps.store.release(feedId, deps.now())), '/');
  });

  app.post('/actions/channels/:id/resume', async (c) => {
    const channelId = c.req.param('id');
    if (!channelIds.includes(channelId)) return c.notFound();
    return doneAndBack(c, resumeMessage(channelId, await deps.store.resume(channelId)), '/');
  });

  return app;
}
