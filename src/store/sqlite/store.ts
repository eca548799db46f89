import type { AlertBatch, AlertRecord } from '../../alerts/alert-store.ts';
import type { Condition } from '../../alerts/conditions.ts';
import type { ChannelQueue } from '../../delivery/outbox.ts';
import type { QueueEntry } from '../../delivery/planner.ts';
import type { AttemptOutcome, AttemptRecord, ChannelState, Delivery, DeliveryState, Settlement } from '../../delivery/types.ts';
import type { Article } from '../../article.ts';
import type { CredentialRow, NewCredentialRow } from '../../auth/credential-store.ts';
import type { FeedState, IngestPlan, KnownArticle } from '../../feeds/ledger.ts';
import type { ActionResult } from '../../operator/actions.ts';
import type { DeliveryFilter } from '../../operator/read-model.ts';
import type { RenderedPost } from '../../platform.ts';
import type { WorkerIdentity, WorkerInfo } from '../../scheduler/leases.ts';
import type { CopiedTable, Row, Store } from '../store.ts';
import { SqliteAlerts } from './alerts.ts';
import * as copy from './copy.ts';
import * as creds from './credentials.ts';
import { openDb, type Db, type OpenOptions } from './db.ts';
import * as leases from './leases.ts';
import * as ledger from './ledger.ts';
import * as operator from './operator.ts';
import * as outbox from './outbox.ts';
import * as planQueue from './plan-queue.ts';
import * as read from './read-model.ts';
import type { CredentialExpiry } from '../../auth/expiry-concern.ts';

/** The embedded store: one better-sqlite3 file, one worker at a time. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly #alerts: SqliteAlerts;

  constructor(
    readonly db: Db,
    readonly where: string,
  ) {
    this.#alerts = new SqliteAlerts(db);
  }

  static open(file: string, opts: OpenOptions = {}): SqliteStore {
    return new SqliteStore(openDb(file, opts), file);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }
  async close(): Promise<void> {
    this.db.close();
  }

  async channelQueue(channelId: string, now: number, since: number): Promise<ChannelQueue> {
    return outbox.channelQueue(this.db, channelId, now, since);
  }
  async claim(id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined> {
    return outbox.claim(this.db, id, rendered, opts.workerId, opts.now);
  }
  async settle(id: number, attempt: number, settlement: Settlement, now: number): Promise<boolean> {
    return outbox.settle(this.db, id, attempt, settlement, now);
  }
  async recordDryRun(id: number, rendered: RenderedPost, opts: { workerId: string; now: number }): Promise<number | undefined> {
    return outbox.recordDryRun(this.db, id, rendered, opts.workerId, opts.now);
  }
  async failUnrenderable(id: number, reason: string, now: number): Promise<boolean> {
    return outbox.failUnrenderable(this.db, id, reason, now);
  }
  async dropEdit(id: number, reason: string, code: string, now: number): Promise<boolean> {
    return outbox.dropEdit(this.db, id, reason, code, now);
  }
  async pauseChannel(channelId: string, reason: string, now: number): Promise<boolean> {
    return outbox.pauseChannel(this.db, channelId, reason, now);
  }
  async blockChannel(channelId: string, until: number, code: 'rate-limited' | 'unavailable', reason?: string): Promise<void> {
    outbox.blockChannel(this.db, channelId, until, code, reason);
  }

  async plannerEntries(channelId: string): Promise<QueueEntry[]> {
    return planQueue.plannerEntries(this.db, channelId);
  }
  async pendingDelivery(id: number): Promise<Delivery | undefined> {
    return planQueue.pendingDelivery(this.db, id);
  }
  async expire(id: number, detail: string, now: number): Promise<boolean> {
    return planQueue.expire(this.db, id, detail, now);
  }

  async feedState(feedId: string): Promise<FeedState> {
    return ledger.feedState(this.db, feedId);
  }
  async feedStates(): Promise<FeedState[]> {
    return ledger.feedStates(this.db);
  }
  async knownArticles(feedId: string, articles: Pick<Article, 'id' | 'linkKey'>[]): Promise<KnownArticle[]> {
    return ledger.knownArticles(this.db, feedId, articles);
  }
  async record(plan: IngestPlan): Promise<void> {
    ledger.record(this.db, plan);
  }
  recordUnchanged(feedId: string, now: number, nextPollAt?: number): Promise<void> {
    return ledger.recordUnchanged(this.db, feedId, now, nextPollAt);
  }
  async recordFailure(feedId: string, error: string, now: number, nextPollAt: number): Promise<number> {
    return ledger.recordFailure(this.db, feedId, error, now, nextPollAt);
  }

  async register(worker: WorkerIdentity, now: number): Promise<void> {
    leases.register(this.db, worker, now);
  }
  async heartbeat(workerId: string, now: number): Promise<void> {
    leases.heartbeat(this.db, workerId, now);
  }
  async unregister(workerId: string): Promise<void> {
    leases.unregister(this.db, workerId);
  }
  async claimFeeds(workerId: string, feedIds: string[], now: number, opts: { dueOnly: boolean; limit: number }): Promise<string[]> {
    return leases.claimFeeds(this.db, workerId, feedIds, now, opts);
  }
  async releaseFeed(workerId: string, feedId: string): Promise<void> {
    leases.releaseFeed(this.db, workerId, feedId);
  }
  async nextPollAt(feedIds: string[], now: number): Promise<number | undefined> {
    return leases.nextPollAt(this.db, feedIds, now);
  }
  async claimChannels(workerId: string, channelIds: string[], now: number): Promise<string[]> {
    return leases.claimChannels(this.db, workerId, channelIds, now);
  }
  async recoverAbandoned(canResend: (channelId: string) => boolean, now: number): Promise<{ resent: number; inDoubt: number }> {
    return leases.recoverAbandoned(this.db, canResend, now);
  }
  async workers(now: number): Promise<WorkerInfo[]> {
    return leases.workers(this.db, now);
  }

  async retry(id: number, now: number): Promise<ActionResult> {
    return operator.retry(this.db, id, now);
  }
  async retryFailed(now: number): Promise<ActionResult> {
    return operator.retryFailed(this.db, now);
  }
  async skip(id: number, now: number): Promise<ActionResult> {
    return operator.skip(this.db, id, now);
  }
  async skipHeld(now: number): Promise<ActionResult> {
    return operator.skipHeld(this.db, now);
  }
  async release(feedId: string, now: number): Promise<ActionResult> {
    return operator.release(this.db, feedId, now);
  }
  async resume(channelId: string): Promise<ActionResult> {
    return operator.resume(this.db, channelId);
  }
  async approve(id: number, now: number): Promise<ActionResult> {
    return operator.approve(this.db, id, now);
  }
  async approveChannel(channelId: string, now: number): Promise<ActionResult> {
    return operator.approveChannel(this.db, channelId, now);
  }
  async reject(id: number, now: number): Promise<ActionResult> {
    return operator.reject(this.db, id, now);
  }

  async delivery(id: number): Promise<Delivery | undefined> {
    return read.delivery(this.db, id);
  }
  async deliveries(filter?: DeliveryFilter): Promise<Delivery[]> {
    return read.deliveries(this.db, filter);
  }
  async attempts(deliveryIds: number[]): Promise<Map<number, AttemptRecord[]>> {
    return read.attempts(this.db, deliveryIds);
  }
  async countByState(): Promise<Record<DeliveryState, number>> {
    return read.countByState(this.db);
  }
  async queueDepths(): Promise<{ channelId: string; state: DeliveryState; count: number }[]> {
    return read.queueDepths(this.db);
  }
  async attemptCounts(): Promise<{ channelId: string; outcome: AttemptOutcome; count: number }[]> {
    return read.attemptCounts(this.db);
  }
  async channelStates(): Promise<ChannelState[]> {
    return read.channelStates(this.db);
  }

  openAlerts(): Promise<AlertRecord[]> {
    return this.#alerts.openAlerts();
  }
  raiseAlerts(conditions: Condition[]): Promise<void> {
    return this.#alerts.raiseAlerts(conditions);
  }
  resolveAlerts(keys: string[], now: number): Promise<void> {
    return this.#alerts.resolveAlerts(keys, now);
  }
  claimAlertBatch(now: number, minIntervalMs: number): Promise<AlertBatch | undefined> {
    return this.#alerts.claimAlertBatch(now, minIntervalMs);
  }
  releaseAlertBatch(batch: AlertBatch): Promise<void> {
    return this.#alerts.releaseAlertBatch(batch);
  }

  async isEmpty(): Promise<boolean> {
    return copy.isEmpty(this.db);
  }
  async clear(): Promise<void> {
    copy.clear(this.db);
  }
  async readRows(table: CopiedTable, offset: number, limit: number): Promise<Row[]> {
    return copy.readRows(this.db, table, offset, limit);
  }
  async writeRows(table: CopiedTable, rows: Row[]): Promise<void> {
    copy.writeRows(this.db, table, rows);
  }

  async credential(channelId: string): Promise<CredentialRow | undefined> {
    return creds.credential(this.db, channelId);
  }
  async credentials(): Promise<CredentialRow[]> {
    return creds.credentials(this.db);
  }
  async putCredential(row: NewCredentialRow, expectedVersion: number): Promise<boolean> {
    return creds.putCredential(this.db, row, expectedVersion);
  }
  async claimRefresh(channelId: string, version: number, workerId: string, now: number, until: number): Promise<boolean> {
    return creds.claimRefresh(this.db, channelId, version, workerId, now, until);
  }
  async releaseRefresh(channelId: string, workerId: string): Promise<void> {
    creds.releaseRefresh(this.db, channelId, workerId);
  }
  async credentialExpiries(): Promise<CredentialExpiry[]> {
    return creds.credentialExpiries(this.db);
  }
}
