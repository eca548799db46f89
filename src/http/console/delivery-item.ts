import { html } from 'hono/html';
import type { AttemptRecord, Delivery, DeliveryState } from '../../delivery/types.ts';
import type { RenderedPost } from '../../platform.ts';
import { actionForm, type Html } from './layout.ts';
import { postCard } from './post-card.ts';
import { timeAgo } from './time.ts';

/** A delivery with what the console shows of it. */
export interface DeliveryView {
  delivery: Delivery;
  platform: string;
  /** The stored post, or the one it would be rendered as now. */
  post?: RenderedPost;
  /** Why there is no post to show. */
  renderProblem?: string;
  attempts: AttemptRecord[];
}

/** Which operator actions apply in each state (the store refuses the others anyway). */
export const ACTIONS_BY_STATE: Partial<Record<DeliveryState, ('approve' | 'reject' | 'retry' | 'skip')[]>> = {
  review: ['approve', 'reject'],
  failed: ['retry', 'skip'],
  in_doubt: ['retry', 'skip'],
  pending: ['skip'],
  held: ['skip'],
};

const LABELS = { approve: 'Approve', reject: 'Reject', retry: 'Retry', skip: 'Skip' };

function attemptsList(attempts: AttemptRecord[], now: number): Html | '' {
  if (attempts.length === 0) return '';
  return html`<details class="attempts"><summary>${attempts.length} attempt${attempts.length === 1 ? '' : 's'}</summary><ol>
  ${attempts.map(
    (a) => html`<li><span class="outcome outcome-${a.outcome ?? 'open'}">${a.outcome ?? 'in progress'}</span> ${timeAgo(a.startedAt, now)}${a.code ? html` · <code>${a.code}</code>` : ''}${a.httpStatus ? html` · HTTP ${a.httpStatus}` : ''}${a.workerId ? html` · <span class="muted">${a.workerId}</span>` : ''}${a.detail ? html`<div class="detail">${a.detail}</div>` : ''}</li>`,
  )}
  </ol></details>`;
}

/** One delivery: the post as its platform shows it, where it stands, its attempts and its actions. */
export function deliveryItem(view: DeliveryView, csrf: string, now: number): Html {
  const d = view.delivery;
  const actions = ACTIONS_BY_STATE[d.state] ?? [];
  return html`<section class="delivery" id="d${d.id}">
  <div class="delivery-head"><a href="/deliveries/${d.id}" class="id">#${d.id}</a> <span class="state state-${d.state}">${d.state.replace('_', ' ')}</span>${d.kind === 'edit' ? html` <span class="tag">correction of #${d.targetId ?? '?'}</span>` : ''} <span class="muted">${d.channelId} · ${d.feedId}</span></div>
  <p class="article"><a href="${d.article.link}" rel="noopener noreferrer nofollow">${d.article.title}</a></p>
  ${view.post ? postCard(view.platform, d.channelId, view.post) : html`<p class="problem">Cannot show the post: ${view.renderProblem ?? 'not rendered yet'}</p>`}
  <p class="facts">${d.state === 'sent' ? html`sent ${timeAgo(d.settledAt, now)}${d.remoteUrl ? html` · <a href="${d.remoteUrl}" rel="noopener noreferrer nofollow">view post</a>` : ''}` : html`due ${timeAgo(d.dueAt, now)}`}${d.dryRun ? ' · dry run' : ''}${d.lastError ? html`<br><span class="error">${d.lastCode ? html`<code>${d.lastCode}</code> ` : ''}${d.lastError}</span>` : ''}</p>
  ${attemptsList(view.attempts, now)}
  ${actions.length ? html`<div class="actions">${actions.map((a) => actionForm(`/actions/deliveries/${d.id}/${a}`, LABELS[a], csrf, { danger: a === 'reject' || a === 'skip' }))}</div>` : ''}
</section>`;
}
