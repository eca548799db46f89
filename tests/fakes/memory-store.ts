/**
 * The console's view of a store, held in memory, for the HTTP tests until they run on the
 * SQLite store: the states and actions behave as OperatorActions documents.
 */
import type { ConsoleStore } from '../../src/http/console-store.ts';
import type { AttemptOutcome, AttemptRecord, ChannelState, Delivery, DeliveryState } from '../../src/delivery/types.ts';
import type { FeedState } from '../../src/feeds/ledger.ts';
import type { ActionResult } from '../../src/operator/actions.ts';
import type { WorkerInfo } from '../../src/scheduler/leases.ts';

export class MemoryConsoleStore implements ConsoleStore {
  deliveryRows: Delivery[] = [];
  attemptRows: AttemptRecord[] = [];
  feedRows: FeedState[] = [];
  channelRows: ChannelState[] = [];
  workerRows: WorkerInfo[] = [];
  pingError: Error | undefined;

  async ping() {
    if (this.pingError) throw this.pingError;
  }
  async delivery(id: number) {
    return this.deliveryRows.find((d) => d.id === id);
  }
  async deliveries(filter: { states?: DeliveryState[]; channelId?: string; limit?: number } = {}) {
    return this.deliveryRows
      .filter((d) => (!filter.states || filter.states.includes(d.state)) && (!filter.channelId || d.channelId === filter.channelId))
      .sort((a, b) => b.id - a.id)
      .slice(0, filter.limit ?? Infinity);
  }
  async attempts(ids: number[]) {
    return new Map(ids.map((id) => [id, this.attemptRows.filter((a) => a.deliveryId === id)]));
  }
  async countByState() {
    const counts = Object.fromEntries(['held', 'review', 'pending', 'sending', 'sent', 'failed', 'in_doubt', 'skipped', 'expired'].map((s) => [s, 0])) as Record<DeliveryState, number>;
    for (const d of this.deliveryRows) counts[d.state]++;
    return counts;
  }
  async queueDepths() {
    const depths = new Map<string, { channelId: string; state: DeliveryState; count: number }>();
    for (const d of this.deliveryRows) {
      const row = depths.get(`${d.channelId}/${d.state}`) ?? { channelId: d.channelId, state: d.state, count: 0 };
      row.count++;
      depths.set(`${d.channelId}/${d.state}`, row);
    }
    return [...depths.values()];
  }
  async attemptCounts() {
    const counts = new Map<string, { channelId: string; outcome: AttemptOutcome; count: number }>();
    for (const a of this.attemptRows) {
      if (!a.outcome) continue;
      const channelId = this.deliveryRows.find((d) => d.id === a.deliveryId)!.channelId;
      const row = counts.get(`${channelId}/${a.outcome}`) ?? { channelId, outcome: a.outcome, count: 0 };
      row.count++;
      counts.set(`${channelId}/${a.outcome}`, row);
    }
    return [...counts.values()];
  }
  async channelStates() {
    return this.channelRows;
  }
  async feedStates() {
    return this.feedRows;
  }
  async workers() {
    return this.workerRows;
  }

  #move(id: number, from: DeliveryState[], to: DeliveryState, now: number): ActionResult {
    const d = this.deliveryRows.find((row) => row.id === id);
    if (!d) return { code: 'not-found', count: 0 };
    const delivery = { id, channelId: d.channelId, title: d.article.title, state: d.state };
    if (!from.includes(d.state)) return { code: 'wrong-state', count: 0, delivery };
    d.state = to;
    if (to === 'pending') d.dueAt = now;
    return { code: 'done', count: 1, delivery: { ...delivery, state: to } };
  }
  async retry(id: number, now: number) {
    return this.#move(id, ['failed', 'in_doubt'], 'pending', now);
  }
  async skip(id: number, now: number) {
    return this.#move(id, ['pending', 'held', 'review', 'failed', 'in_doubt'], 'skipped', now);
  }
  async approve(id: number, now: number) {
    return this.#move(id, ['review'], 'pending', now);
  }
  async reject(id: number, now: number) {
    return this.#move(id, ['review'], 'skipped', now);
  }
  async release(feedId: string, now: number): Promise<ActionResult> {
    const held = this.deliveryRows.filter((d) => d.feedId === feedId && d.state === 'held');
    for (const d of held) this.#move(d.id, ['held'], 'pending', now);
    return { code: held.length ? 'done' : 'nothing', count: held.length };
  }
  async resume(channelId: string): Promise<ActionResult> {
    const state = this.channelRows.find((c) => c.id === channelId);
    if (!state?.pausedReason) return { code: 'nothing', count: 0 };
    delete state.pausedReason;
    delete state.pausedAt;
    return { code: 'done', count: 1 };
  }
}
