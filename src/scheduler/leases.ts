/** A worker not heard from for this long is gone: its feeds, channels and sends are taken over. */
export const LEASE_MS = 30_000;
/** How often a worker renews its leases (a few times per lease). */
export const HEARTBEAT_MS = 10_000;

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

export interface WorkerInfo extends WorkerIdentity {
  startedAt: number;
  heartbeatAt: number;
  /** Feeds it is polling now and channels it sends for. */
  feeds: string[];
  channels: string[];
}

/**
 * Who does what, kept in the data: no worker trusts another's liveness, leases expire.
 * SQLite: one worker per store (`register` refuses a second live one), which then holds everything.
 */
export interface WorkerLeases {
  register(worker: WorkerIdentity, now: number): Promise<void>;
  /** Renews the worker's own lease and the leases of what it holds. */
  heartbeat(workerId: string, now: number): Promise<void>;
  /** Gives up everything it holds (a clean stop). */
  unregister(workerId: string): Promise<void>;
  /**
   * Claims up to `limit` of these feeds that no live worker is polling and, with `dueOnly`, whose
   * next poll time has come (never-polled feeds are due). The lease ends with `record`,
   * `recordUnchanged`, `recordFailure` or `releaseFeed`.
   */
  claimFeeds(workerId: string, feedIds: string[], now: number, opts: { dueOnly: boolean; limit: number }): Promise<string[]>;
  releaseFeed(workerId: string, feedId: string): Promise<void>;
  /** The earliest next poll time among these feeds that no live worker is polling (undefined: one was never polled, so now; Infinity: none is free). */
  nextPollAt(feedIds: string[], now: number): Promise<number | undefined>;
  /**
   * Takes (or keeps) channel leases: at most a fair share of `channelIds` among the live workers.
   * Returns the channels this worker now sends for.
   */
  claimChannels(workerId: string, channelIds: string[], now: number): Promise<string[]>;
  /**
   * Sends left `sending` by workers whose lease has expired (never a live worker's): those whose
   * channel can resend safely go back to the queue as resends, the others wait in doubt.
   */
  recoverAbandoned(canResend: (channelId: string) => boolean, now: number): Promise<{ resent: number; inDoubt: number }>;
  workers(now: number): Promise<WorkerInfo[]>;
}
