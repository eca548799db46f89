import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.ts';
import { channelSchemaFor, type ChannelConfig } from '../../src/config/schema.ts';
import { planEdit, type EditChannel } from '../../src/delivery/edit-plan.ts';
import type { Delivery } from '../../src/delivery/types.ts';
import { dialogueArticle } from '../helpers/adapter-test.ts';

const SENT_AT = Date.parse('2026-12-02T08:00:00Z');
const original = dialogueArticle({ title: 'Kazakhstan Exports Rise 18%', imageUrl: 'https://astanatimes.com/exports.jpg' });
const corrected = { ...original, title: 'Kazakhstan Exports Rise 21%' };

async function telegram(extra: Record<string, unknown> = {}): Promise<EditChannel> {
  const config = channelSchemaFor(adapters.telegram!).parse({ id: 'tg', platform: 'telegram', chatId: '@herald_edits', auth: { botToken: '123456:edit-plan-token' }, ...extra }) as unknown as ChannelConfig;
  const adapter = await adapters.telegram!.create(config, { logger: pino({ level: 'silent' }), offline: true });
  return { config, canEdit: adapters.telegram!.edit, rules: adapter.rules };
}

function delivery(overrides: Partial<Delivery>): Delivery {
  return {
    id: 2, kind: 'edit', targetId: 1, articlePk: 1, feedId: 'astanatimes', channelId: 'tg', state: 'pending', idempotencyKey: 'k', attempts: 0, failures: 0,
    resend: false, priority: 0, dueAt: SENT_AT, orderAt: SENT_AT, createdAt: SENT_AT, dryRun: false, article: corrected, ...overrides,
  };
}

const sentPost = (layout: string) =>
  delivery({ id: 1, kind: 'post', targetId: undefined, state: 'sent', settledAt: SENT_AT, remoteId: '103', remoteUrl: 'https://t.me/c/103', article: original, rendered: { layout, text: 'old', lengths: [], shortened: false, link: original.link, title: original.title, summary: '', hashtags: [] } });

describe('planEdit', () => {
  it("renders the corrected article in the post's own layout, for the post the platform knows", async () => {
    const channel = await telegram();
    const asMessage = planEdit(delivery({}), sentPost('message'), channel, SENT_AT + 60_000);
    expect(asMessage).toMatchObject({ kind: 'edit', post: { layout: 'message' }, remote: { remoteId: '103', remoteUrl: 'https://t.me/c/103' } });
    expect(asMessage.kind === 'edit' && asMessage.post.text).toContain('Rise 21%');
    expect(planEdit(delivery({}), sentPost('photo'), channel, SENT_AT + 60_000)).toMatchObject({ kind: 'edit', post: { layout: 'photo' } });
  });

  it('drops an edit whose post was never published, or on a platform that cannot edit', async () => {
    const channel = await telegram();
    for (const state of ['failed', 'skipped', 'expired'] as const) {
      expect(planEdit(delivery({}), { ...sentPost('message'), state }, channel, SENT_AT)).toEqual({ kind: 'drop', reason: 'correction not applied: the post was never published', code: 'not_published' });
    }
    expect(planEdit(delivery({}), { ...sentPost('message'), remoteId: undefined }, channel, SENT_AT)).toMatchObject({ code: 'not_published' });
    expect(planEdit(delivery({}), sentPost('message'), { ...channel, canEdit: undefined }, SENT_AT)).toEqual({ kind: 'drop', reason: 'correction not applied: telegram cannot edit posts', code: 'cannot_edit' });
  });

  it("drops an edit once the platform's edit window has closed since the post was sent", async () => {
    const channel = { ...(await telegram()), canEdit: { windowSeconds: 48 * 3600 } };
    expect(planEdit(delivery({}), sentPost('message'), channel, SENT_AT + 48 * 3_600_000)).toMatchObject({ kind: 'edit' });
    expect(planEdit(delivery({}), sentPost('message'), channel, SENT_AT + 49 * 3_600_000)).toEqual({
      kind: 'drop',
      reason: 'correction not applied: telegram posts can only be edited within 48 hours of posting',
      code: 'edit_window_closed',
    });
  });

  it('on a dry-run channel, renders the edit of a post that was only rendered', async () => {
    const channel = await telegram({ dryRun: true });
    expect(planEdit(delivery({}), { ...sentPost('message'), remoteId: undefined, remoteUrl: undefined, dryRun: true }, channel, SENT_AT)).toMatchObject({ kind: 'edit', post: { layout: 'message' } });
  });
});
