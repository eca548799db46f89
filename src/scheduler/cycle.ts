import type { FeedConfig } from '../config/feed-schema.ts';
import type { PollingConfig } from '../config/polling-schema.ts';
import { channelControls, channelEditing, channelsForFeed, type ChannelRuntime } from '../delivery/channels.ts';
import { pollFeed, type PollOptions, type PollResult } from '../feeds/poll.ts';
import { PollQueue } from './poll-queue.ts';

/** Polls every feed once within the `polling` limits; results in the order of `feeds`. */
export function pollFeeds(feeds: FeedConfig[], channels: ChannelRuntime[], limits: PollingConfig, opts: PollOptions): Promise<PollResult[]> {
  const controls = opts.controls ?? channelControls(channels);
  const editing = opts.editing ?? channelEditing(channels);
  const order = new Map(feeds.map((feed, i) => [feed, i]));
  const results: PollResult[] = new Array(feeds.length);
  const queue = new PollQueue(limits);
  feeds.forEach((feed) => queue.add(feed));
  return new Promise((resolve, reject) => {
    const startWhatMay = () => {
      if (queue.size === 0 && queue.inFlight === 0) resolve(results);
      for (let feed = queue.take(); feed; feed = queue.take()) {
        const polled = feed;
        pollFeed(polled, channelsForFeed(channels, polled.id).map((c) => c.id), { ...opts, controls, editing })
          .then((result) => {
            results[order.get(polled)!] = result;
            queue.done(polled);
            startWhatMay();
          })
          .catch((err: unknown) => {
            queue.clear();
            reject(err);
          });
      }
    };
    startWhatMay();
  });
}
