import { editWindowClosed } from '../feeds/corrections.ts';
import type { EditCapability, PlatformRules, RemotePost, RenderedPost } from '../platform.ts';
import { renderPost } from '../render/render.ts';
import type { ChannelBase } from '../config/channel-base.ts';
import type { Delivery } from './types.ts';

export type EditPlan =
  /** Send it: the corrected article in the post's original layout, to the post the platform knows. */
  | { kind: 'edit'; post: RenderedPost; remote?: RemotePost }
  /** It can never apply: skipped with the reason, without an attempt. */
  | { kind: 'drop'; reason: string; code: string }
  /** The corrected article cannot be rendered in the post's layout. */
  | { kind: 'unrenderable'; reason: string };

export interface EditChannel {
  config: ChannelBase & { platform: string; dryRun: boolean };
  /** The platform's edit capability; undefined when it cannot edit. */
  canEdit: EditCapability | undefined;
  rules: PlatformRules;
}

/**
 * What an edit delivery (a pending edit whose post is settled) becomes: an edit of the post
 * as it was sent, or why there can be none. A dry-run channel renders it without a post.
 */
export function planEdit(edit: Delivery, target: Delivery | undefined, channel: EditChannel, now: number): EditPlan {
  const { config, canEdit } = channel;
  if (!canEdit) return { kind: 'drop', reason: `correction not applied: ${config.platform} cannot edit posts`, code: 'cannot_edit' };
  if (!target || target.state !== 'sent' || (!config.dryRun && target.remoteId === undefined)) {
    return { kind: 'drop', reason: 'correction not applied: the post was never published', code: 'not_published' };
  }
  const closed = editWindowClosed(config.platform, canEdit, target.settledAt ?? target.createdAt, now);
  if (closed) return { kind: 'drop', reason: closed, code: 'edit_window_closed' };
  const rendered = renderPost(edit.article, config, channel.rules, target.rendered && { layout: target.rendered.layout });
  if (!rendered.ok) return { kind: 'unrenderable', reason: rendered.reason };
  const remote = target.remoteId === undefined ? undefined : { remoteId: target.remoteId, ...(target.remoteUrl !== undefined && { remoteUrl: target.remoteUrl }) };
  return { kind: 'edit', post: rendered.post, ...(remote && { remote }) };
}
