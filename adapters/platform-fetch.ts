import { HERALD_USER_AGENT } from '../src/version.ts';

/** `fetch` with Herald's User-Agent, for every request an adapter makes (platforms ask bots to name themselves). */
export function platformFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('user-agent')) headers.set('user-agent', HERALD_USER_AGENT);
  return fetch(input, { ...init, headers });
}
