import { describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.ts';
import { NOW } from './fixtures.ts';

const row = (data: string, extra: object = {}) => ({ channelId: 'x-main', kind: 'oauth2', data, updatedAt: NOW, ...extra });

describe.each(BACKENDS)('credential store on $name', (backend) => {
  it('stores a row once, then only over the version it was read as', async () => {
    const store = await backend.open();
    expect(await store.credential('x-main')).toBeUndefined();
    expect(await store.putCredential(row('v1:first', { account: '@outlet', expiresAt: NOW + 7200_000, refreshedAt: NOW }), 0)).toBe(true);
    expect(await store.putCredential(row('v1:again'), 0)).toBe(false);
    expect(await store.credential('x-main')).toEqual({
      channelId: 'x-main', kind: 'oauth2', data: 'v1:first', version: 1, account: '@outlet', expiresAt: NOW + 7200_000, refreshedAt: NOW, updatedAt: NOW,
    });

    expect(await store.putCredential(row('v1:second', { updatedAt: NOW + 1 }), 1)).toBe(true);
    expect(await store.putCredential(row('v1:stale'), 1)).toBe(false);
    expect(await store.credential('x-main')).toEqual({ channelId: 'x-main', kind: 'oauth2', data: 'v1:second', version: 2, updatedAt: NOW + 1 });
    expect(await store.credentialExpiries()).toEqual([]);
  });

  it('one refresher per credential at a time: a claim holds until written, released or run out', async () => {
    const store = await backend.open();
    await store.putCredential(row('v1:a'), 0);
    expect(await store.claimRefresh('x-main', 1, 'w1', NOW, NOW + 60_000)).toBe(true);
    expect(await store.claimRefresh('x-main', 1, 'w2', NOW + 1, NOW + 60_001)).toBe(false);
    expect(await store.claimRefresh('x-main', 2, 'w1', NOW + 1, NOW + 60_001)).toBe(false);

    await store.releaseRefresh('x-main', 'w2');
    expect(await store.claimRefresh('x-main', 1, 'w2', NOW + 2, NOW + 60_002)).toBe(false);
    await store.releaseRefresh('x-main', 'w1');
    expect(await store.claimRefresh('x-main', 1, 'w2', NOW + 3, NOW + 60_003)).toBe(true);

    // w2 died while renewing: once its claim has run out, w1 may take over.
    expect(await store.claimRefresh('x-main', 1, 'w1', NOW + 60_002, NOW + 120_000)).toBe(false);
    expect(await store.claimRefresh('x-main', 1, 'w1', NOW + 60_003, NOW + 120_003)).toBe(true);
    expect(await store.putCredential(row('v1:b', { expiresAt: NOW + 5 }), 1)).toBe(true);
    // The write ended the claim: the next renewal (of version 2) is anyone's.
    expect(await store.claimRefresh('x-main', 2, 'w2', NOW + 4, NOW + 60_004)).toBe(true);
    expect(await store.credentialExpiries()).toEqual([{ channelId: 'x-main', kind: 'oauth2', expiresAt: NOW + 5 }]);
    expect((await store.credentials()).map((c) => [c.channelId, c.version])).toEqual([['x-main', 2]]);
  });
});
