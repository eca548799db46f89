import { z } from 'zod';
import { defineAdapter } from '../src/platform.ts';
import { codePoints } from '../src/render/count.ts';

/** Prints each post to standard output: for trying a config out. */
export const consoleAdapter = defineAdapter({
  platform: 'console',
  schema: z.strictObject({}),
  inDoubt: 'resend',
  async create(channel) {
    return {
      rules: {
        defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
        layouts: [{ name: 'text', budgets: [{ unit: 'chars', limit: 10_000, count: codePoints }] }],
      },
      async send(post, ctx) {
        process.stdout.write(`--- ${channel.id} ---\n${post.text}\n`);
        return { kind: 'sent', remoteId: ctx.idempotencyKey };
      },
    };
  },
});
