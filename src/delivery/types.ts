import type { Article } from '../article.ts';
import type { RenderedPost } from '../platform.ts';

/**
 * Where a delivery stands. A post moves held|review → pending → sending → sent | failed |
 * in_doubt | expired; skipped is the operator's "never". An edit (a correction of a sent post)
 * moves pending → sending → sent | failed | in_doubt, or skipped when it cannot apply.
 */
export type DeliveryState = 'held' | 'review' | 'pending' | 'sending' | 'sent' | 'failed' | 'in_doubt' | 'skipped' | 'expired';

export const DELIVERY_STATES: readonly DeliveryState[] = ['held', 'review', 'pending', 'sending', 'sent', 'failed', 'in_doubt', 'skipped', 'expired'];

/** A delivery posts an article, or edits the post another delivery made (a correction). */
export type DeliveryKind = 'post' | 'edit';

/** How an attempt ended, as recorded in `attempts.outcome` and shown by `history`; in the order `once` sums them up. */
export const ATTEMPT_OUTCOMES = [
  'sent',
  'already-posted',
  'dry-run',
  'edited',
  'retry',
  'rate-limited',
  'permanent',
  'auth',
  'in-doubt',
  'interrupted',
  'render-failed',
  'expired',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface Delivery {
  id: number;
  kind: DeliveryKind;
  /** For an edit: the post delivery it edits. */
  targetId?: number;
  articlePk: number;
  feedId: string;
  channelId: string;
  state: DeliveryState;
  idempotencyKey: string;
  attempts: number;
  failures: number;
  resend: boolean;
  priority: number;
  dueAt: number;
  /** Queue order: the article's publication time where known, else when it was seen. */
  orderAt: number;
  createdAt: number;
  settledAt?: number;
  rendered?: RenderedPost;
  dryRun: boolean;
  remoteId?: string;
  remoteUrl?: string;
  /** The platform's own words (or ours) for the last thing that went wrong; no operator hints. */
  lastError?: string;
  /** Machine-readable code of the last outcome (see `Settlement.code`). */
  lastCode?: string;
  /** The worker holding the claim while `sending`. */
  claimedBy?: string;
  article: Article;
}

/**
 * The end of an attempt. `code` is data a program branches on (`http_429`, `timeout`,
 * `UND_ERR_CONNECT_TIMEOUT`, `interrupted`…), `detail` the words for people, `httpStatus`
 * the platform's status when it answered.
 */
export type Settlement = (
  | { state: 'sent'; outcome: 'sent' | 'already-posted' | 'dry-run' | 'edited'; remoteId?: string; remoteUrl?: string; detail?: string }
  | { state: 'pending'; outcome: AttemptOutcome; detail: string; dueAt: number; countFailure: boolean; resend: boolean }
  | { state: 'failed' | 'in_doubt' | 'expired' | 'skipped'; outcome: AttemptOutcome; detail: string }
) & { code?: string; httpStatus?: number };

export interface AttemptRecord {
  deliveryId: number;
  n: number;
  startedAt: number;
  finishedAt?: number;
  outcome?: AttemptOutcome;
  code?: string;
  httpStatus?: number;
  detail?: string;
  workerId?: string;
}

export interface ChannelState {
  id: string;
  pausedReason?: string;
  pausedAt?: number;
  /** No requests before this time (the platform's rate limit, or the adapter could not start). */
  blockedUntil?: number;
  /** Why it is blocked: `rate-limited`, `unavailable` (adapter could not start, instance unreachable). */
  blockedCode?: string;
  blockedReason?: string;
}
