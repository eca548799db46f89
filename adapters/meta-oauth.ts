/**
 * What `herald auth` shares for Meta's platforms (Threads, Instagram, Facebook): the channel
 * keys naming the app, the token endpoints' JSON answers and errors, and the failures of a flow.
 */
import { z } from 'zod';
import { OperationalError } from '../src/errors.ts';
import { describeError } from './http-errors.ts';
import { platformFetch } from './platform-fetch.ts';

export interface MetaAppChannel {
  id: string;
  apiRoot?: string | undefined;
  authorizeUrl?: string | undefined;
  redirectUri?: string | undefined;
  auth: { clientId?: string | undefined; clientSecret?: string | undefined };
}

/**
 * A channel's `auth`: the static token under `tokenKey` as before, or the app (`clientId`,
 * `clientSecret`) whose tokens `herald auth` obtains and Herald keeps in the store.
 */
export function tokenOrApp<K extends string>(platform: string, tokenKey: K, tokenDescription: string) {
  const which = `${platform} takes either ${tokenKey}, or clientId and clientSecret (an app whose tokens Herald keeps in the store, connected with \`herald auth CHANNEL\`)`;
  const key = z.string().min(1).optional();
  return z
    .strictObject({
      [tokenKey]: key.describe(tokenDescription),
      clientId: key.describe("The Meta app's ID: Herald keeps the account's tokens in the store"),
      clientSecret: key.describe("The Meta app's secret"),
    } as Record<K | 'clientId' | 'clientSecret', typeof key>)
    .superRefine((parsed, ctx) => {
      const auth = parsed as Record<string, string | undefined>;
      const app = (['clientId', 'clientSecret'] as const).filter((k) => auth[k] !== undefined);
      if (auth[tokenKey] !== undefined) {
        if (app.length > 0) ctx.addIssue({ code: 'custom', path: [app[0]!], message: `not with ${tokenKey}: ${which}` });
        return;
      }
      if (app.length === 0) {
        ctx.addIssue({ code: 'custom', path: [tokenKey], message: `required: ${which}` });
        return;
      }
      for (const k of ['clientId', 'clientSecret'] as const) if (auth[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `required: ${which}` });
    })
    .describe(which);
}

/** The channel keys `herald auth` reads: the registered redirect URI, and the authorization page (a test fake may stand in). */
export function oauthKeys(platform: string, defaultAuthorizeUrl: string) {
  return {
    redirectUri: z.url().optional().describe(`For \`herald auth\`: the redirect URI registered with the ${platform} app (default http://127.0.0.1:PORT/callback)`),
    authorizeUrl: z.url().optional().describe(`${platform}'s authorization page, default ${defaultAuthorizeUrl} (a test fake may stand in)`),
  };
}

/** The authorization page with the query every Meta platform takes. */
export function authorizationUrl(page: string, channel: MetaAppChannel, scopes: string[], opts: { redirectUri: string; state: string }): string {
  const url = new URL(page);
  url.search = new URLSearchParams({ client_id: channel.auth.clientId!, redirect_uri: opts.redirectUri, scope: scopes.join(','), response_type: 'code', state: opts.state }).toString();
  return url.toString();
}

/** An API root without its `/vNN.N` version: where Threads and Instagram document their token endpoints. */
export function unversioned(root: string): string {
  return root.replace(/\/v\d+(\.\d+)?$/, '');
}

export type MetaBody = Record<string, unknown> | undefined;

/** One request to a token or user endpoint: its status and JSON body. A network failure throws. */
export async function metaRequest(url: string, init: RequestInit = {}): Promise<{ status: number; body: MetaBody }> {
  const response = await platformFetch(url, { signal: AbortSignal.timeout(20_000), ...init });
  const body = (await response.json().catch(() => undefined)) as MetaBody;
  return { status: response.status, body: body && typeof body === 'object' ? body : undefined };
}

/** The platform's own words for a failed answer: Graph's `{error:{message}}`, Threads' `error_message`, OAuth's `error_description`. */
export function metaWhy(status: number, body: MetaBody): string {
  const error = body?.error;
  const message =
    (error && typeof error === 'object' && (error as { message?: unknown }).message) || body?.error_message || body?.error_description || (typeof error === 'string' && error);
  return `HTTP ${status}: ${typeof message === 'string' && message !== '' ? message : 'no token in the answer'}`;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * Runs the exchange steps of a flow: an answer without what was asked for is the platform
 * refusing, a network failure is the platform out of reach; both end `herald auth` with what to do.
 */
export async function metaExchange<T>(platform: string, root: string, steps: (refused: (why: string) => never) => Promise<T>): Promise<T> {
  const refused = (why: string): never => {
    throw new OperationalError(
      `${platform} refused the authorization (${why})`,
      'check auth.clientId, auth.clientSecret and the redirect URI registered with the app, then run `herald auth` again',
    );
  };
  try {
    return await steps(refused);
  } catch (err) {
    if (err instanceof OperationalError) throw err;
    throw new OperationalError(`${platform} could not be reached at ${root} to finish the authorization: ${describeError(err)}`, 'check apiRoot and the network, then run `herald auth` again');
  }
}
