import type { ChannelState, Delivery } from '../delivery/types.ts';
import { CREDENTIAL_WARNING_MS, expiryConcern, type CredentialExpiry } from '../auth/expiry-concern.ts';
import type { FeedState } from '../feeds/ledger.ts';

export type AlertKind = 'channel-paused' | 'delivery-failed' | 'delivery-in-doubt' | 'feed-failing' | 'flood-held' | 'credential-expiring';

/** Something that is wrong now. `key` names the condition: it is alerted once until it clears. */
export interface Condition {
  key: string;
  kind: AlertKind;
  /** The channel, feed or delivery (`#ID`) it concerns. */
  subject: string;
  detail: string;
  /** When it began, as far as the store knows. */
  since: number;
}

export interface AlertSnapshot {
  now: number;
  feedFailures: number;
  channelStates: ChannelState[];
  /** Deliveries failed or in doubt. */
  troubled: Delivery[];
  feedStates: FeedState[];
  /** Deliveries the flood guard holds. */
  held: Delivery[];
  credentials: CredentialExpiry[];
}

function deliveryDetail(d: Delivery): string {
  return `${d.channelId}: “${d.article.title}”${d.lastError ? ` (${d.lastError})` : ''}`;
}

/** Every condition of DESIGN.md's list that holds in the snapshot. */
export function activeConditions(s: AlertSnapshot): Condition[] {
  const out: Condition[] = [];
  for (const c of s.channelStates) {
    if (c.pausedReason !== undefined) {
      out.push({ key: `channel-paused:${c.id}`, kind: 'channel-paused', subject: c.id, detail: c.pausedReason, since: c.pausedAt ?? s.now });
    }
  }
  for (const d of s.troubled) {
    if (d.state !== 'failed' && d.state !== 'in_doubt') continue;
    const kind = d.state === 'failed' ? 'delivery-failed' : 'delivery-in-doubt';
    out.push({ key: `${kind}:${d.id}`, kind, subject: `#${d.id}`, detail: deliveryDetail(d), since: d.settledAt ?? d.createdAt });
  }
  for (const f of s.feedStates) {
    if (f.failures >= s.feedFailures) {
      out.push({
        key: `feed-failing:${f.id}`,
        kind: 'feed-failing',
        subject: f.id,
        detail: `${f.failures} failed polls in a row${f.lastError ? `: ${f.lastError}` : ''}`,
        since: f.lastOkAt ?? f.firstPolledAt ?? f.lastPollAt ?? s.now,
      });
    }
  }
  const heldByFeed = new Map<string, Delivery[]>();
  for (const d of s.held) heldByFeed.set(d.feedId, [...(heldByFeed.get(d.feedId) ?? []), d]);
  for (const [feedId, held] of heldByFeed) {
    const articles = new Set(held.map((d) => d.articlePk)).size;
    out.push({
      key: `flood-held:${feedId}`,
      kind: 'flood-held',
      subject: feedId,
      detail: `${articles} new article${articles === 1 ? '' : 's'} held (${held.length} deliveries)`,
      since: Math.min(...held.map((d) => d.createdAt)),
    });
  }
  for (const c of s.credentials) {
    const concern = expiryConcern(c, s.now);
    if (concern) {
      out.push({
        key: `credential-expiring:${c.channelId}`,
        kind: 'credential-expiring',
        subject: c.channelId,
        detail: `${c.expiresAt <= s.now ? 'expired' : 'expires'} ${new Date(c.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')} and ${concern}`,
        since: c.expiresAt - CREDENTIAL_WARNING_MS,
      });
    }
  }
  return out;
}
