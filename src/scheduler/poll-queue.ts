import type { FeedConfig } from '../config/feed-schema.ts';
import type { PollingConfig } from '../config/polling-schema.ts';

/** Hosts are told apart with their port. Local files have no host to be polite to: only the overall limit applies to them. */
const LOCAL = '';

function hostOf(url: string): string {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return LOCAL;
  return new URL(url).host;
}

/**
 * Feeds waiting to be polled, handed out within the limits: at most `concurrency` polls at
 * once, at most `perHost` of them to one host, the hosts taking turns.
 */
export class PollQueue {
  /** By host, in turn order: a host that was just served goes last. */
  private readonly waiting = new Map<string, FeedConfig[]>();
  private readonly active = new Map<string, number>();
  private running = 0;
  private queued = 0;

  constructor(private readonly limits: PollingConfig) {}

  /** Feeds waiting (not yet taken). */
  get size(): number {
    return this.queued;
  }

  /** Polls taken and not yet done. */
  get inFlight(): number {
    return this.running;
  }

  get full(): boolean {
    return this.running >= this.limits.concurrency;
  }

  add(feed: FeedConfig): void {
    const host = hostOf(feed.url);
    const list = this.waiting.get(host);
    if (list) list.push(feed);
    else this.waiting.set(host, [feed]);
    this.queued++;
  }

  /** The next feed that may be polled now (counted as in flight until `done`), or undefined when the limits say wait. */
  take(): FeedConfig | undefined {
    if (this.full) return undefined;
    for (const [host, list] of this.waiting) {
      const active = this.active.get(host) ?? 0;
      if (host !== LOCAL && active >= this.limits.perHost) continue;
      const feed = list.shift()!;
      this.waiting.delete(host);
      if (list.length > 0) this.waiting.set(host, list);
      this.active.set(host, active + 1);
      this.running++;
      this.queued--;
      return feed;
    }
    return undefined;
  }

  done(feed: FeedConfig): void {
    const host = hostOf(feed.url);
    const active = (this.active.get(host) ?? 1) - 1;
    if (active > 0) this.active.set(host, active);
    else this.active.delete(host);
    this.running--;
  }

  /** Drops every waiting feed (a stop). */
  clear(): void {
    this.waiting.clear();
    this.queued = 0;
  }
}
