import type { AlertRecord } from '../alerts/alert-store.ts';
import type { CredentialRow } from '../auth/credential-store.ts';
import type { CredentialExpiry } from '../auth/expiry-concern.ts';
import type { AlertKind } from '../alerts/conditions.ts';
import type { Article } from '../article.ts';
import type { AttemptOutcome, AttemptRecord, ChannelState, Delivery, DeliveryKind, DeliveryState } from '../delivery/types.ts';
import type { FeedState } from '../feeds/ledger.ts';
import type { RenderedPost } from '../platform.ts';

/** A delivery row joined with its article's feed and data: the same columns on both backends. */
export interface DeliveryRow {
  id: number;
  kind: DeliveryKind;
  target_id: number | null;
  article_pk: number;
  feed_id: string;
  channel_id: string;
  state: DeliveryState;
  idempotency_key: string;
  attempts: number;
  failures: number;
  resend: number;
  priority: number;
  due_at: number;
  order_at: number;
  created_at: number;
  settled_at: number | null;
  rendered: string | null;
  dry_run: number;
  remote_id: string | null;
  remote_url: string | null;
  last_error: string | null;
  last_code: string | null;
  claimed_by: string | null;
  data: string;
}

export const DELIVERY_SELECT = `SELECT d.*, a.feed_id, a.data FROM deliveries d JOIN articles a ON a.pk = d.article_pk`;

export function deliveryFromRow(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    kind: row.kind,
    targetId: row.target_id ?? undefined,
    articlePk: row.article_pk,
    feedId: row.feed_id,
    channelId: row.channel_id,
    state: row.state,
    idempotencyKey: row.idempotency_key,
    attempts: row.attempts,
    failures: row.failures,
    resend: Boolean(row.resend),
    priority: row.priority,
    dueAt: row.due_at,
    orderAt: row.order_at,
    createdAt: row.created_at,
    settledAt: row.settled_at ?? undefined,
    rendered: row.rendered ? (JSON.parse(row.rendered) as RenderedPost) : undefined,
    dryRun: Boolean(row.dry_run),
    remoteId: row.remote_id ?? undefined,
    remoteUrl: row.remote_url ?? undefined,
    lastError: row.last_error ?? undefined,
    lastCode: row.last_code ?? undefined,
    claimedBy: row.claimed_by ?? undefined,
    article: JSON.parse(row.data) as Article,
  };
}

export interface AttemptRow {
  delivery_id: number;
  n: number;
  started_at: number;
  finished_at: number | null;
  outcome: AttemptOutcome | null;
  code: string | null;
  http_status: number | null;
  detail: string | null;
  worker_id: string | null;
}

export function attemptFromRow(r: AttemptRow): AttemptRecord {
  return {
    deliveryId: r.delivery_id,
    n: r.n,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? undefined,
    outcome: r.outcome ?? undefined,
    code: r.code ?? undefined,
    httpStatus: r.http_status ?? undefined,
    detail: r.detail ?? undefined,
    workerId: r.worker_id ?? undefined,
  };
}

export interface FeedRow {
  id: string;
  etag: string | null;
  last_modified: string | null;
  first_polled_at: number | null;
  last_poll_at: number | null;
  last_ok_at: number | null;
  last_error: string | null;
  failures: number;
  next_poll_at: number | null;
}

export function feedFromRow(row: FeedRow): FeedState {
  return {
    id: row.id,
    cache: { etag: row.etag ?? undefined, lastModified: row.last_modified ?? undefined },
    firstPolledAt: row.first_polled_at ?? undefined,
    lastPollAt: row.last_poll_at ?? undefined,
    lastOkAt: row.last_ok_at ?? undefined,
    lastError: row.last_error ?? undefined,
    failures: row.failures,
    nextPollAt: row.next_poll_at ?? undefined,
  };
}

export interface ChannelRow {
  id: string;
  paused_reason: string | null;
  paused_at: number | null;
  blocked_until: number | null;
  blocked_code: string | null;
  blocked_reason: string | null;
}

export function channelFromRow(id: string, row: ChannelRow | undefined): ChannelState {
  return {
    id,
    pausedReason: row?.paused_reason ?? undefined,
    pausedAt: row?.paused_at ?? undefined,
    blockedUntil: row?.blocked_until ?? undefined,
    blockedCode: row?.blocked_code ?? undefined,
    blockedReason: row?.blocked_reason ?? undefined,
  };
}

/**
 * A pending delivery `d` may go: a post always; an edit once the post it corrects is settled
 * (an edit racing its post's send waits for it; one of a post left in doubt waits for the operator).
 */
export const EDIT_READY = `(d.kind = 'post' OR EXISTS (SELECT 1 FROM deliveries t WHERE t.id = d.target_id AND t.state NOT IN ('pending', 'sending', 'in_doubt')))`;

/** The attempt outcomes that may have put a post on the platform (they count against quotas). */
export const MAY_HAVE_POSTED = `('sent', 'already-posted', 'in-doubt', 'interrupted')`;

/** The reason recorded for a send a dead process left unanswered (no operator hint: the CLI adds those). */
export const INTERRUPTED_DETAIL = 'the process stopped before the answer was recorded';

/** A row of `alerts`: the same columns on both backends. */
export interface AlertRow {
  key: string;
  kind: string;
  subject: string;
  detail: string | null;
  raised_at: number;
  notified_at: number | null;
  resolved_at: number | null;
  resolve_notified_at: number | null;
}

export function alertFromRow(row: AlertRow): AlertRecord {
  return {
    key: row.key,
    kind: row.kind as AlertKind,
    subject: row.subject,
    ...(row.detail !== null && { detail: row.detail }),
    raisedAt: row.raised_at,
    ...(row.notified_at !== null && { notifiedAt: row.notified_at }),
    ...(row.resolved_at !== null && { resolvedAt: row.resolved_at }),
    ...(row.resolve_notified_at !== null && { resolveNotifiedAt: row.resolve_notified_at }),
  };
}

/** A `credentials` row: the same columns on both backends. */
export interface CredentialColumns {
  channel_id: string;
  kind: string;
  data: string;
  version: number;
  account: string | null;
  expires_at: number | null;
  refreshed_at: number | null;
  updated_at: number;
}

export const CREDENTIAL_COLUMNS = 'channel_id, kind, data, version, account, expires_at, refreshed_at, updated_at';

export function credentialFromRow(r: CredentialColumns): CredentialRow {
  return {
    channelId: r.channel_id,
    kind: r.kind,
    data: r.data,
    version: r.version,
    ...(r.account !== null && { account: r.account }),
    ...(r.expires_at !== null && { expiresAt: r.expires_at }),
    ...(r.refreshed_at !== null && { refreshedAt: r.refreshed_at }),
    updatedAt: r.updated_at,
  };
}

export type ExpiryColumns = Pick<CredentialColumns, 'channel_id' | 'kind' | 'expires_at' | 'refreshed_at'> & { expires_at: number };

export const EXPIRY_COLUMNS = 'channel_id, kind, expires_at, refreshed_at';

export function expiryFromRow(r: ExpiryColumns): CredentialExpiry {
  return { channelId: r.channel_id, kind: r.kind, expiresAt: r.expires_at, ...(r.refreshed_at !== null && { refreshedAt: r.refreshed_at }) };
}
