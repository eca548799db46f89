import { z } from 'zod';

/**
 * A URL key that must not carry credentials: `user:password@` in it would be printed
 * wherever the address is (status, logs, errors). Credentials go under `auth`.
 */
export function urlWithoutCredentials(params?: Parameters<typeof z.url>[0]) {
  return z.url({ ...(typeof params === 'object' ? params : {}), abort: true }).refine(
    (url) => {
      const parsed = URL.canParse(url) ? new URL(url) : undefined;
      return !parsed || (parsed.username === '' && parsed.password === '');
    },
    { message: 'must not hold credentials (user:password@): put them under auth' },
  );
}
