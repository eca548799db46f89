import { z } from 'zod';
import { isLoopback, parseListen } from '../http/listen.ts';

const TOKEN_HINT = 'set http.token, e.g. token: "${HERALD_CONSOLE_TOKEN}" with a value from `openssl rand -hex 32`';

/** `http`: the console, API and metrics served by `herald run`. `token` is a secret. */
export const httpSchema = z
  .strictObject({
    listen: z
      .string()
      .default('127.0.0.1:8080')
      .refine((v) => parseListen(v) !== undefined, 'expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080')
      .describe('HOST:PORT the console, API and metrics listen on'),
    token: z.string().optional().describe('Required: the API Bearer token and the console password (a secret)'),
  })
  .superRefine((http, ctx) => {
    if (http.token) return;
    const address = parseListen(http.listen);
    const exposed = address !== undefined && !isLoopback(address.host);
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: exposed
        ? `required: ${http.listen} is reachable from other machines, and the console and API must never be open there; ${TOKEN_HINT}`
        : `required: the console and API need it; ${TOKEN_HINT}`,
    });
  });

export type HttpConfig = z.infer<typeof httpSchema>;
