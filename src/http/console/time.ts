import { html } from 'hono/html';

/** A time as "3 min ago" / "in 2 h", with the exact UTC time on hover; "–" when unknown. */
export function timeAgo(ms: number | undefined, now: number) {
  if (ms === undefined) return html`<span class="muted">–</span>`;
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  const span = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 360) / 10} h` : `${Math.round(abs / 86_400)} d`;
  const text = abs < 1 ? 'now' : seconds > 0 ? `in ${span}` : `${span} ago`;
  return html`<time datetime="${iso}" title="${iso}">${text}</time>`;
}
