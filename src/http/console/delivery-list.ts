import { html } from 'hono/html';
import type { DeliveryState } from '../../delivery/types.ts';
import { deliveryItem, type DeliveryView } from './delivery-item.ts';
import type { Html } from './layout.ts';

export function deliveryList(views: DeliveryView[], csrf: string, now: number, empty: string): Html {
  return views.length ? html`${views.map((v) => deliveryItem(v, csrf, now))}` : html`<p class="muted">${empty}</p>`;
}

/** A GET form narrowing a list to a channel (and a state); works without script. */
export function filterForm(action: string, channelIds: string[], selected: { channel?: string; state?: string }, states?: DeliveryState[]): Html {
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="${action}" class="filters">
  <label>Channel <select name="channel">${option('', 'all', selected.channel)}${channelIds.map((id) => option(id, id, selected.channel))}</select></label>
  ${states ? html`<label>State <select name="state">${option('', 'all', selected.state)}${states.map((s) => option(s, s.replace('_', ' '), selected.state))}</select></label>` : ''}
  <button type="submit">Show</button>
</form>`;
}
