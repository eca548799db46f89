import { html } from 'hono/html';
import type { DeliveryState } from '../../delivery/types.ts';
import { deliveryItem, type DeliveryView } from './delivery-item.ts';
import { deliveryList, filterForm } from './delivery-list.ts';
import type { Html } from './layout.ts';

/** States a delivery waits in, in the order the queue page lists them. */
export const QUEUE_SECTIONS: { state: DeliveryState; title: string; empty: string }[] = [
  { state: 'review', title: 'Waiting for review', empty: 'Nothing waits for review.' },
  { state: 'failed', title: 'Failed', empty: 'Nothing failed.' },
  { state: 'in_doubt', title: 'In doubt', empty: 'No send is in doubt.' },
  { state: 'held', title: 'Held by the flood guard', empty: 'Nothing is held.' },
  { state: 'sending', title: 'Sending now', empty: 'Nothing is being sent.' },
  { state: 'pending', title: 'Pending', empty: 'Nothing is pending.' },
];

export function queueBody(views: DeliveryView[], channelIds: string[], selected: { channel?: string; state?: string }, csrf: string, now: number): Html {
  const sections = QUEUE_SECTIONS.filter((s) => !selected.state || s.state === selected.state);
  return html`${filterForm('/queue', channelIds, selected, QUEUE_SECTIONS.map((s) => s.state))}
${sections.map((s) => {
  const inSection = views.filter((v) => v.delivery.state === s.state);
  return html`<h2>${s.title} <span class="count">${inSection.length}</span></h2>${deliveryList(inSection, csrf, now, s.empty)}`;
})}`;
}

export function historyBody(views: DeliveryView[], channelIds: string[], selected: { channel?: string }, csrf: string, now: number): Html {
  return html`${filterForm('/history', channelIds, selected)}
${deliveryList(views, csrf, now, 'Nothing has been delivered yet.')}`;
}

export function previewBody(views: DeliveryView[], channelIds: string[], selected: { channel?: string }, csrf: string, now: number): Html {
  return html`${filterForm('/preview', channelIds, selected)}
<p class="muted">The next posts of ${selected.channel ?? 'every channel'}, as each platform will show them.</p>
${deliveryList(views, csrf, now, 'No post waits to go out.')}`;
}

export function deliveryBody(view: DeliveryView, csrf: string, now: number): Html {
  return deliveryItem(view, csrf, now);
}
