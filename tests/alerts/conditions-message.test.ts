import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../src/alerts/alert-store.ts';
import { activeConditions, type AlertSnapshot } from '../../src/alerts/conditions.ts';
import { CREDENTIAL_WARNING_MS } from '../../src/auth/expiry-concern.ts';
import { ACCESS_ONLY_KIND, LONG_LIVED_KIND, OAUTH2_KIND } from '../../src/auth/oauth-tokens.ts';
import { alertMessage, MAX_LINES_PER_KIND } from '../../src/alerts/message.ts';
import type { Delivery } from '../../src/delivery/types.ts';
import { article } from '../helpers/articles.ts';

const NOW = Date.UTC(2026, 11, 2, 6, 30);
const MIN = 60_000;

function delivery(id: number, overrides: Partial<Delivery>): Delivery {
  return {
    id, kind: 'post', articlePk: id, feedId: 'astanatimes', channelId: 'x-main', state: 'pending', idempotencyKey: `k${id}`,
    attempts: 1, failures: 0, resend: false, priority: 0, dueAt: NOW, orderAt: NOW, createdAt: NOW - 60 * MIN, dryRun: false,
    article: article(id), ...overrides,
  };
}

const empty: AlertSnapshot = { now: NOW, feedFailures: 3, channelStates: [], troubled: [], feedStates: [], held: [], credentials: [] };

describe('alert conditions', () => {
  it('finds each condition of DESIGN.md once, keyed by what it concerns', () => {
    const conditions = activeConditions({
      ...empty,
      channelStates: [{ id: 'x-main', pausedReason: 'X refused the credentials (401)', pausedAt: NOW - 10 * MIN }, { id: 'tg' }],
      troubled: [delivery(7, { state: 'failed', lastError: 'duplicate status', settledAt: NOW - 5 * MIN }), delivery(8, { state: 'in_doubt', lastError: 'timeout', settledAt: NOW - 4 * MIN })],
      feedStates: [
        { id: 'astanatimes', cache: {}, failures: 3, lastError: 'HTTP 503', lastOkAt: NOW - 30 * MIN },
        { id: 'breaking', cache: {}, failures: 2, lastError: 'HTTP 503' },
      ],
      held: [delivery(20, { state: 'held', feedId: 'breaking', createdAt: NOW - 2 * MIN }), delivery(21, { state: 'held', feedId: 'breaking', articlePk: 20, channelId: 'tg' })],
      credentials: [
        { channelId: 'linkedin-soon', kind: ACCESS_ONLY_KIND, expiresAt: NOW + CREDENTIAL_WARNING_MS - 1 },
        { channelId: 'linkedin-later', kind: ACCESS_ONLY_KIND, expiresAt: NOW + CREDENTIAL_WARNING_MS },
        // A 2-hour OAuth 2.0 access token with a refresh token renews itself: no alert, ever.
        { channelId: 'x-oauth2', kind: OAUTH2_KIND, expiresAt: NOW + 2 * 60 * MIN, refreshedAt: NOW },
        // A long-lived Meta token renewed when due (past half its 60 days) is not a concern; one that was not is.
        { channelId: 'threads-renewed', kind: LONG_LIVED_KIND, expiresAt: NOW + 6 * 24 * 60 * MIN, refreshedAt: NOW - 10 * 60 * MIN },
        { channelId: 'threads-silent', kind: LONG_LIVED_KIND, expiresAt: NOW + 6 * 24 * 60 * MIN, refreshedAt: NOW - 54 * 24 * 60 * MIN },
      ],
    });
    expect(conditions.map((c) => [c.key, c.subject, c.detail, c.since])).toEqual([
      ['channel-paused:x-main', 'x-main', 'X refused the credentials (401)', NOW - 10 * MIN],
      ['delivery-failed:7', '#7', 'x-main: “Kazakhstan, US Maintain Constructive Dialogue on Human Rights (7)” (duplicate status)', NOW - 5 * MIN],
      ['delivery-in-doubt:8', '#8', 'x-main: “Kazakhstan, US Maintain Constructive Dialogue on Human Rights (8)” (timeout)', NOW - 4 * MIN],
      ['feed-failing:astanatimes', 'astanatimes', '3 failed polls in a row: HTTP 503', NOW - 30 * MIN],
      ['flood-held:breaking', 'breaking', '1 new article held (2 deliveries)', NOW - 60 * MIN],
      ['credential-expiring:linkedin-soon', 'linkedin-soon', 'expires 2026-12-09T06:29:59Z and cannot renew itself', NOW - 1],
      [
        'credential-expiring:threads-silent',
        'threads-silent',
        'expires 2026-12-08T06:30:00Z and has not been renewed (the channel has not posted since it was due)',
        NOW - 24 * 60 * MIN,
      ],
    ]);
    expect(activeConditions(empty)).toEqual([]);
  });
});

const alert = (a: Partial<AlertRecord> & Pick<AlertRecord, 'key' | 'kind' | 'subject'>): AlertRecord => ({ raisedAt: NOW - 10 * MIN, ...a });

describe('alert messages', () => {
  it('say what broke, since when, and the command that fixes it; then what was resolved', () => {
    const message = alertMessage({
      raised: [
        alert({ key: 'channel-paused:x-main', kind: 'channel-paused', subject: 'x-main', detail: 'X refused the credentials (401)' }),
        alert({ key: 'delivery-failed:7', kind: 'delivery-failed', subject: '#7', detail: 'x-main: “A” (duplicate)', raisedAt: NOW - 5 * MIN }),
      ],
      resolved: [alert({ key: 'feed-failing:astanatimes', kind: 'feed-failing', subject: 'astanatimes', resolvedAt: NOW - MIN })],
    });
    expect(message.title).toBe('Herald: 2 problems, 1 resolved');
    expect(message.body).toBe(
      [
        'A channel is paused: the platform refused the credentials:',
        '- x-main since 2026-12-02 06:20 UTC: X refused the credentials (401)',
        "Fix: renew the credentials in the config (or `herald auth x-main`), then `herald resume x-main` or Resume on the console's Overview.",
        '',
        'A delivery failed:',
        '- #7 since 2026-12-02 06:25 UTC: x-main: “A” (duplicate)',
        "Fix: `herald retry 7` (or `herald retry --failed`) to send again, `herald skip 7` to drop; or the console's Queue.",
        '',
        'Resolved:',
        '- astanatimes polls again (since 2026-12-02 06:29 UTC; the problem began 2026-12-02 06:20 UTC)',
      ].join('\n'),
    );
  });

  it('turns an outage of a thousand failures into one short message', () => {
    const raised = Array.from({ length: 1000 }, (_, i) => alert({ key: `delivery-failed:${i + 1}`, kind: 'delivery-failed', subject: `#${i + 1}`, detail: 'HTTP 503' }));
    const message = alertMessage({ raised, resolved: [] });
    expect(message.title).toBe('Herald: 1000 problems');
    const lines = message.body.split('\n');
    expect(lines[0]).toBe('1000 deliveries failed:');
    expect(lines.filter((l) => l.startsWith('- #'))).toHaveLength(MAX_LINES_PER_KIND);
    expect(lines).toContain('…and 990 more (see `herald status`)');
    expect(lines).toHaveLength(MAX_LINES_PER_KIND + 3);
  });
});
