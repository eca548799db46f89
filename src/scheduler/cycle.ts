import type { FeedConfig } from '../config/feed-schema.ts';
import { channelControls, channelEditing, channelsForFeed, type ChannelRuntime } from '../delivery/channels.ts';
import { mapLimited, pollFeed, type PollOptions, type PollResult } from '../feeds/poll.ts';

/** Feeds fetched at once: enough to keep thousands of feeds moving, few enough to stay polite. */
export const POLL_CONCURRENCY = 8;

export function pollFeeds(feeds: FeedConfig[], channels: ChannelRuntime[], opts: PollOptions): Promise<PollResult[]> {
  const controls = opts.controls ?? channelControls(channels);
  const editing = opts.editing ?? channelEditing(channels);
  return mapLimited(feeds, POLL_CONCURRENCY, (feed) =>
    pollFeed(
      feed,
      channelsForFeed(channels, feed.id).map((c) => c.id),
      { ...opts, controls, editing },
    ),
  );
}
