import type { AlertBatch, AlertRecord } from '../../alerts/alert-store.ts';
import type { Condition } from '../../alerts/conditions.ts';
import type { ChannelQueue } from '../../delivery/outbox.ts';
import type { QueueEntry } from '../../delivery/planner.ts';
import type { AttemptOutcome, AttemptRecord, ChannelState, Delivery, DeliveryState, Settlement } from '../../delivery/types.ts';
import type { CredentialRow, NewCredentialRow } from '../../auth/credential-store.ts';
import type { FeedState, IngestPlan, KnownArticle } from '../../feeds/ledger.ts';
import type { ActionResult } from '../../operator/actions.ts';
import type { DeliveryFilter } from '../../operator/read-model.ts';
import type { RenderedPost } from '../../platform.ts';
import type { WorkerIdentity, WorkerInfo } from '../../scheduler/leases.ts';
import type { CopiedTable, Row, Store } from '../store.ts';
import * as alerts from './alerts.ts';
import * as copy from './copy.ts';
import * as creds from './credentials.ts';
import { PgDb } from './db.ts';
import { openingError } from './errors.ts';
import * as leases from './leases.ts';
import * as ledger from './ledger.ts';
import { migrate } from './migrations.ts';
import * as operator from './operator.ts';
import * as outbox from './outbox.ts';
import * as planQueue from './plan-queue.ts';
import * as read from './read-model.ts';
import { parsePostgresUrl } from './url.ts';
import type { CredentialExpiry } from '../../auth/expiry-concern.ts';

/** Opens the store at a postgres:// or postgresql:// URL: connects, then migrates the schema. */
export async function openPostgresStore(url: string): Promise<PostgresStore> {
  const location = parsePostgresUrl(url);
  const db = new PgDb(location, location.where);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw openingError(err, location.where, location.user);
  }
  return new PostgresStore(db);
}

/** The store on PostgreSQL: any number of workers share it through leases kept in the data. */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly where: string;

  constructor(private readonly db: PgDb) {
    this.where = db.where;
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // Outbox
  channelQueue = (channelId: string, now: number, since: number): Promise<ChannelQueue> => outbox.channelQueue(this.db, channelId, now, since);
  claim = (id: number, rendered: RenderedPost, opts: { workerId: string; now: number }) => outbox.claim(this.db, id, rendered, opts);
  settle = (id: number, attempt: number, s: Settlement, now: number): Promise<boolean> => outbox.settle(this.db, id, attempt, s, now);
  recordDryRun = (id: number, rendered: RenderedPost, opts: { workerId: string; now: number }) => outbox.recordDryRun(this.db, id, rendered, opts);
  failUnrenderable = (id: number, reason: string, now: number): Promise<boolean> => outbox.failUnrenderable(this.db, id, reason, now);
  dropEdit = (id: number, reason: string, code: string, now: number): Promise<boolean> => outbox.dropEdit(this.db, id, reason, code, now);
  pauseChannel = (channelId: string, reason: string, now: number): Promise<boolean> => outbox.pauseChannel(this.db, channelId, reason, now);
  blockChannel = (channelId: string, until: number, code: 'rate-limited' | 'unavailable', reason?: string): Promise<void> =>
    outbox.blockChannel(this.db, channelId, until, code, reason);

  // PlanQueue
  plannerEntries = (channelId: string): Promise<QueueEntry[]> => planQueue.plannerEntries(this.db, channelId);
  pendingDelivery = (id: number): Promise<Delivery | undefined> => planQueue.pendingDelivery(this.db, id);
  expire = (id: number, detail: string, now: number): Promise<boolean> => planQueue.expire(this.db, id, detail, now);

  // FeedLedger
  feedState = (feedId: string): Promise<FeedState> => ledger.feedState(this.db, feedId);
  feedStates = (): Promise<FeedState[]> => ledger.feedStates(this.db);
  knownArticles = (feedId: string, articles: { id: string; linkKey: string }[]): Promise<KnownArticle[]> => ledger.knownArticles(this.db, feedId, articles);
  record = (plan: IngestPlan): Promise<void> => ledger.record(this.db, plan);
  recordUnchanged = (feedId: string, now: number, nextPollAt?: number): Promise<void> => ledger.recordUnchanged(this.db, feedId, now, nextPollAt);
  recordFailure = (feedId: string, error: string, now: number, nextPollAt: number): Promise<number> =>
    ledger.recordFailure(this.db, feedId, error, now, nextPollAt);

  // WorkerLeases
  register = (worker: WorkerIdentity, now: number): Promise<void> => leases.register(this.db, worker, now);
  heartbeat = (workerId: string, now: number): Promise<void> => leases.heartbeat(this.db, workerId, now);
  unregister = (workerId: string): Promise<void> => leases.unregister(this.db, workerId);
  claimFeeds = (workerId: string, feedIds: string[], now: number, opts: { dueOnly: boolean; limit: number }): Promise<string[]> =>
    leases.claimFeeds(this.db, workerId, feedIds, now, opts);
  releaseFeed = (workerId: string, feedId: string): Promise<void> => leases.releaseFeed(this.db, workerId, feedId);
  nextPollAt = (feedIds: string[], now: number): Promise<number | undefined> => leases.nextPollAt(this.db, feedIds, now);
  claimChannels = (workerId: string, channelIds: string[], now: number): Promise<string[]> => leases.claimChannels(this.db, workerId, channelIds, now);
  recoverAbandoned = (canResend: (channelId: string) => boolean, now: number) => leases.recoverAbandoned(this.db, canResend, now);
  workers = (now: number): Promise<WorkerInfo[]> => leases.workers(this.db, now);

  // OperatorActions
  retry = (id: number, now: number): Promise<ActionResult> => operator.retry(this.db, id, now);
  retryFailed = (now: number): Promise<ActionResult> => operator.retryFailed(this.db, now);
  skip = (id: number, now: number): Promise<ActionResult> => operator.skip(this.db, id, now);
  skipHeld = (now: number): Promise<ActionResult> => operator.skipHeld(this.db, now);
  release = (feedId: string, now: number): Promise<ActionResult> => operator.release(this.db, feedId, now);
  resume = (channelId: string): Promise<ActionResult> => operator.resume(this.db, channelId);
  approve = (id: number, now: number): Promise<ActionResult> => operator.approve(this.db, id, now);
  approveChannel = (channelId: string, now: number): Promise<ActionResult> => operator.approveChannel(this.db, channelId, now);
  reject = (id: number, now: number): Promise<ActionResult> => operator.reject(this.db, id, now);

  // ReadModel
  delivery = (id: number): Promise<Delivery | undefined> => read.delivery(this.db, id);
  deliveries = (filter?: DeliveryFilter): Promise<Delivery[]> => read.deliveries(this.db, filter);
  attempts = (deliveryIds: number[]): Promise<Map<number, AttemptRecord[]>> => read.attempts(this.db, deliveryIds);
  countByState = (): Promise<Record<DeliveryState, number>> => read.countByState(this.db);
  queueDepths = (): Promise<{ channelId: string; state: DeliveryState; count: number }[]> => read.queueDepths(this.db);
  attemptCounts = (): Promise<{ channelId: string; outcome: AttemptOutcome; count: number }[]> => read.attemptCounts(this.db);
  channelStates = (): Promise<ChannelState[]> => read.channelStates(this.db);

  // AlertStore
  openAlerts = (): Promise<AlertRecord[]> => alerts.openAlerts(this.db);
  raiseAlerts = (conditions: Condition[]): Promise<void> => alerts.raiseAlerts(this.db, conditions);
  resolveAlerts = (keys: string[], now: number): Promise<void> => alerts.resolveAlerts(this.db, keys, now);
  claimAlertBatch = (now: number, minIntervalMs: number): Promise<AlertBatch | undefined> => alerts.claimAlertBatch(this.db, now, minIntervalMs);
  releaseAlertBatch = (batch: AlertBatch): Promise<void> => alerts.releaseAlertBatch(this.db, batch);

  // TableCopy
  isEmpty = (): Promise<boolean> => copy.isEmpty(this.db);
  clear = (): Promise<void> => copy.clear(this.db);
  readRows = (table: CopiedTable, offset: number, limit: number): Promise<Row[]> => copy.readRows(this.db, table, offset, limit);
  writeRows = (table: CopiedTable, rows: Row[]): Promise<void> => copy.writeRows(this.db, table, rows);

  // CredentialStore
  credential = (channelId: string): Promise<CredentialRow | undefined> => creds.credential(this.db, channelId);
  credentials = (): Promise<CredentialRow[]> => creds.credentials(this.db);
  putCredential = (row: NewCredentialRow, expectedVersion: number): Promise<boolean> => creds.putCredential(this.db, row, expectedVersion);
  claimRefresh = (channelId: string, version: number, workerId: string, now: number, until: number): Promise<boolean> =>
    creds.claimRefresh(this.db, channelId, version, workerId, now, until);
  releaseRefresh = (channelId: string, workerId: string): Promise<void> => creds.releaseRefresh(this.db, channelId, workerId);
  credentialExpiries = (): Promise<CredentialExpiry[]> => creds.credentialExpiries(this.db);
}
