import type { AttemptOutcome, AttemptRecord, ChannelState, Delivery, DeliveryState } from '../delivery/types.ts';

export interface DeliveryFilter {
  states?: DeliveryState[];
  channelId?: string;
  limit?: number;
}

/** What `status`, `history`, the console and the metrics read. */
export interface ReadModel {
  delivery(id: number): Promise<Delivery | undefined>;
  /** Newest first. */
  deliveries(filter?: DeliveryFilter): Promise<Delivery[]>;
  attempts(deliveryIds: number[]): Promise<Map<number, AttemptRecord[]>>;
  countByState(): Promise<Record<DeliveryState, number>>;
  queueDepths(): Promise<{ channelId: string; state: DeliveryState; count: number }[]>;
  /** Attempts by how they ended, per channel (what the metrics count). */
  attemptCounts(): Promise<{ channelId: string; outcome: AttemptOutcome; count: number }[]>;
  channelStates(): Promise<ChannelState[]>;
}
