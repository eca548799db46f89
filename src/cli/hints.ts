import type { Delivery } from '../delivery/types.ts';

/** What the operator can do about a delivery, from its state and code (stored reasons carry no hints). */
export function hintFor(d: Pick<Delivery, 'id' | 'state' | 'lastCode'>): string | undefined {
  switch (d.state) {
    case 'in_doubt':
      return `check the channel; then \`herald retry ${d.id}\` to send it or \`herald skip ${d.id}\` if it is there`;
    case 'failed':
      return d.lastCode === 'render_failed'
        ? `the post cannot fit this platform: change the channel's template, or \`herald skip ${d.id}\``
        : `\`herald retry ${d.id}\` once the cause is fixed, or \`herald skip ${d.id}\``;
    case 'held':
      return '`herald release FEED` to post the flood, or `herald skip --held`';
    case 'review':
      return `\`herald approve ${d.id}\` or \`herald reject ${d.id}\``;
    default:
      return undefined;
  }
}
