import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/alerts/conditions.ts';
import { BACKENDS } from './backends.ts';

const T0 = Date.UTC(2026, 11, 2, 6, 0);
const MIN = 60_000;
const paused: Condition = { key: 'channel-paused:x-main', kind: 'channel-paused', subject: 'x-main', detail: '401', since: T0 };

describe.each(BACKENDS)('the alerts table on $name', (backend) => {
  const alerts = () => backend.open();

  it('claims a raised alert once, then its resolution once', async () => {
    const store = await alerts();
    await store.raiseAlerts([paused]);
    await store.raiseAlerts([{ ...paused, detail: '401 again', since: T0 + MIN }]);
    const first = await store.claimAlertBatch(T0 + MIN, 5 * MIN);
    expect(first?.raised.map((a) => [a.key, a.detail, a.raisedAt])).toEqual([['channel-paused:x-main', '401 again', T0]]);
    expect(await store.claimAlertBatch(T0 + 10 * MIN, 5 * MIN)).toBeUndefined();
    await store.resolveAlerts(['channel-paused:x-main'], T0 + 11 * MIN);
    expect(await store.claimAlertBatch(T0 + 12 * MIN, 5 * MIN)).toMatchObject({ raised: [], resolved: [{ key: 'channel-paused:x-main', resolvedAt: T0 + 11 * MIN }] });
    expect(await store.openAlerts()).toEqual([]);
  });

  it('keeps one message per interval across everything', async () => {
    const store = await alerts();
    await store.raiseAlerts([paused]);
    expect(await store.claimAlertBatch(T0, 5 * MIN)).toBeDefined();
    await store.raiseAlerts([{ ...paused, key: 'feed-failing:a', kind: 'feed-failing', subject: 'a' }]);
    expect(await store.claimAlertBatch(T0 + 5 * MIN - 1, 5 * MIN)).toBeUndefined();
    expect((await store.claimAlertBatch(T0 + 5 * MIN, 5 * MIN))?.raised.map((a) => a.key)).toEqual(['feed-failing:a']);
  });

  it('closes an alert never notified without a notice, and reopens a flapping one silently', async () => {
    const store = await alerts();
    await store.raiseAlerts([paused]);
    await store.resolveAlerts([paused.key], T0 + MIN);
    expect(await store.openAlerts()).toEqual([]);
    expect(await store.claimAlertBatch(T0 + 2 * MIN, 5 * MIN)).toBeUndefined();

    await store.raiseAlerts([{ ...paused, since: T0 + 3 * MIN }]);
    expect((await store.claimAlertBatch(T0 + 3 * MIN, 5 * MIN))?.raised.map((a) => a.raisedAt)).toEqual([T0 + 3 * MIN]);
    await store.resolveAlerts([paused.key], T0 + 4 * MIN);
    await store.raiseAlerts([paused]);
    expect(await store.openAlerts()).toMatchObject([{ key: paused.key, notifiedAt: T0 + 3 * MIN }]);
    expect((await store.openAlerts())[0]!.resolvedAt).toBeUndefined();
    expect(await store.claimAlertBatch(T0 + 20 * MIN, 5 * MIN)).toBeUndefined();
  });

  it('gives a claim back when its message could not be sent', async () => {
    const store = await alerts();
    await store.raiseAlerts([paused]);
    const batch = (await store.claimAlertBatch(T0, 5 * MIN))!;
    await store.releaseAlertBatch(batch);
    expect((await store.openAlerts())[0]!.notifiedAt).toBeUndefined();
    expect((await store.claimAlertBatch(T0 + MIN, 5 * MIN))?.raised.map((a) => a.key)).toEqual([paused.key]);
  });

  it('an alert closed without a notice does not hold back the next message', async () => {
    const store = await alerts();
    await store.raiseAlerts([paused]);
    await store.resolveAlerts([paused.key], T0 + MIN);
    await store.raiseAlerts([{ ...paused, key: 'feed-failing:a', kind: 'feed-failing', subject: 'a', since: T0 + 2 * MIN }]);
    expect((await store.claimAlertBatch(T0 + 2 * MIN, 5 * MIN))?.raised.map((a) => a.key)).toEqual(['feed-failing:a']);
  });

  it('lists the credentials that expire, by channel', async () => {
    const store = await alerts();
    expect(await store.credentialExpiries()).toEqual([]);
    await store.writeRows('credentials', [
      { channel_id: 'threads-main', kind: 'long-lived', data: 'sealed', version: 1, account: null, expires_at: T0 + 3 * MIN, refreshed_at: T0, updated_at: T0, refresh_worker: null, refresh_until: null },
      { channel_id: 'bluesky-main', kind: 'session', data: 'sealed', version: 1, account: null, expires_at: null, refreshed_at: null, updated_at: T0, refresh_worker: null, refresh_until: null },
    ]);
    expect(await store.credentialExpiries()).toEqual([{ channelId: 'threads-main', kind: 'long-lived', expiresAt: T0 + 3 * MIN, refreshedAt: T0 }]);
  });
});
