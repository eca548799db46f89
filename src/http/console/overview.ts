import { html } from 'hono/html';
import type { ChannelState } from '../../delivery/types.ts';
import type { FeedState } from '../../feeds/ledger.ts';
import type { WorkerInfo } from '../../scheduler/leases.ts';
import { actionForm, type Html } from './layout.ts';
import { timeAgo } from './time.ts';

export interface OverviewData {
  now: number;
  feeds: { id: string; state?: FeedState; held: number }[];
  channels: { id: string; platform: string; state?: ChannelState; queue: Record<string, number>; credentialExpiresAt?: number }[];
  workers: WorkerInfo[];
}

const DAY_MS = 86_400_000;

function feedRow(f: OverviewData['feeds'][number], csrf: string, now: number): Html {
  const s = f.state;
  return html`<tr>
  <th scope="row">${f.id}</th>
  <td data-label="Last poll">${timeAgo(s?.lastPollAt, now)}</td>
  <td data-label="Last success">${timeAgo(s?.lastOkAt, now)}</td>
  <td data-label="Next poll">${timeAgo(s?.nextPollAt, now)}</td>
  <td data-label="Error">${s?.lastError ? html`<span class="error">${s.lastError}</span>${s.failures > 1 ? html` <span class="muted">(${s.failures} in a row)</span>` : ''}` : html`<span class="ok">ok</span>`}</td>
  <td data-label="Held">${f.held ? html`${f.held} held ${actionForm(`/actions/feeds/${encodeURIComponent(f.id)}/release`, 'Release', csrf)}` : '0'}</td>
</tr>`;
}

function channelStatus(c: OverviewData['channels'][number], csrf: string, now: number): Html {
  const s = c.state;
  const parts: Html[] = [];
  if (s?.pausedReason) {
    parts.push(html`<span class="state state-paused">paused</span> ${timeAgo(s.pausedAt, now)}: <span class="error">${s.pausedReason}</span> ${actionForm(`/actions/channels/${encodeURIComponent(c.id)}/resume`, 'Resume', csrf)}`);
  }
  if (s?.blockedUntil !== undefined && s.blockedUntil > now) {
    parts.push(html`<span class="state state-blocked">${s.blockedCode ?? 'blocked'}</span> until ${timeAgo(s.blockedUntil, now)}${s.blockedReason ? html`: ${s.blockedReason}` : ''}`);
  }
  return parts.length ? html`${parts}` : html`<span class="ok">sending</span>`;
}

function credential(expiresAt: number | undefined, now: number): Html {
  if (expiresAt === undefined) return html`<span class="muted">static</span>`;
  const soon = expiresAt - now < 7 * DAY_MS;
  return html`<span class="${soon ? 'error' : ''}">expires ${timeAgo(expiresAt, now)}</span>`;
}

function channelRow(c: OverviewData['channels'][number], csrf: string, now: number): Html {
  const q = c.queue;
  const waiting = (q.pending ?? 0) + (q.sending ?? 0);
  return html`<tr>
  <th scope="row"><a href="/queue?channel=${encodeURIComponent(c.id)}">${c.id}</a> <span class="muted">${c.platform}</span></th>
  <td data-label="Queue">${waiting} pending${q.review ? html` · <a href="/queue?state=review&amp;channel=${encodeURIComponent(c.id)}">${q.review} to review</a>` : ''}${q.held ? ` · ${q.held} held` : ''}${q.failed ? html` · <span class="error">${q.failed} failed</span>` : ''}${q.in_doubt ? html` · <span class="error">${q.in_doubt} in doubt</span>` : ''}</td>
  <td data-label="Status">${channelStatus(c, csrf, now)}</td>
  <td data-label="Credential">${credential(c.credentialExpiresAt, now)}</td>
  <td data-label="Preview"><a href="/preview?channel=${encodeURIComponent(c.id)}">next posts</a></td>
</tr>`;
}

/** Feeds, channels and workers at a glance, with the fixes (release, resume) beside what needs them. */
export function overviewBody(data: OverviewData, csrf: string): Html {
  const { now } = data;
  return html`<h2>Feeds</h2>
<table class="rows"><thead><tr><th>Feed</th><th>Last poll</th><th>Last success</th><th>Next poll</th><th>Error</th><th>Held</th></tr></thead>
<tbody>${data.feeds.map((f) => feedRow(f, csrf, now))}</tbody></table>
<h2>Channels</h2>
<table class="rows"><thead><tr><th>Channel</th><th>Queue</th><th>Status</th><th>Credential</th><th></th></tr></thead>
<tbody>${data.channels.map((c) => channelRow(c, csrf, now))}</tbody></table>
<h2>Workers</h2>
${data.workers.length
  ? html`<ul class="workers">${data.workers.map((w) => html`<li><code>${w.id}</code> on ${w.host} (pid ${w.pid}), up since ${timeAgo(w.startedAt, now)}, heard from ${timeAgo(w.heartbeatAt, now)}</li>`)}</ul>`
  : html`<p class="muted">No worker is running: start one with <code>herald run</code>.</p>`}`;
}
