/**
 * What a correction of an article becomes on a channel, decided from its config and its
 * platform alone. The ledger applies it to the post the channel made of the article; a post
 * not yet claimed needs nothing, as it renders the corrected article when it goes.
 */
import type { Article } from '../article.ts';
import type { ChannelBase } from '../config/channel-base.ts';
import type { EditCapability } from '../platform.ts';
import type { KnownArticle } from './ledger.ts';
import { contentHash, isCorrection } from './versions.ts';

export type PlannedEdit =
  /** An edit to send (review: waits for an operator's approval first, like the channel's posts). */
  | { channelId: string; state: 'pending' | 'review' }
  /** Recorded as skipped with the reason, so history says why the post was not corrected. */
  | { channelId: string; state: 'skipped'; reason: string };

/**
 * A known article whose title or lead changed (or whose version was never recorded): its
 * data and hash are updated, and each post a channel made of it gets the planned edit.
 */
export interface ArticleCorrection {
  pk: number;
  article: Article;
  contentHash: string;
  /** Empty when only the version is recorded (an article stored before versions were kept). */
  edits: PlannedEdit[];
}

export interface CorrectableChannel extends Pick<ChannelBase, 'id' | 'corrections'> {
  platform: string;
  review?: boolean;
}

/** Undefined when the channel ignores corrections. */
export function plannedEdit(channel: CorrectableChannel, canEdit: EditCapability | undefined): PlannedEdit | undefined {
  if (channel.corrections === 'ignore') return undefined;
  if (!canEdit) return { channelId: channel.id, state: 'skipped', reason: `correction not applied: ${channel.platform} cannot edit posts` };
  return { channelId: channel.id, state: channel.review ? 'review' : 'pending' };
}

/**
 * The corrections in one poll: each listed article already known (by id or normalized link)
 * whose version changed gets the channels' planned edits; one known without a version of this
 * scheme gets its version recorded, and nothing else.
 */
export function findCorrections(
  articles: Article[],
  known: KnownArticle[],
  channels: { channel: CorrectableChannel; canEdit: EditCapability | undefined }[],
): ArticleCorrection[] {
  const found = new Map<number, ArticleCorrection>();
  for (const article of articles) {
    const match = known.find((k) => k.id === article.id) ?? known.find((k) => k.linkKey === article.linkKey);
    if (!match || found.has(match.pk)) continue;
    const hash = contentHash(article);
    if (match.contentHash === hash) continue;
    const edits = isCorrection(match.contentHash, hash)
      ? channels.map(({ channel, canEdit }) => plannedEdit(channel, canEdit)).filter((e): e is PlannedEdit => e !== undefined)
      : [];
    found.set(match.pk, { pk: match.pk, article, contentHash: hash, edits });
  }
  return [...found.values()];
}

/** Why an edit can no longer be sent, when the platform's edit window has closed since the post was sent. */
export function editWindowClosed(platform: string, canEdit: EditCapability, sentAt: number, now: number): string | undefined {
  if (canEdit.windowSeconds === undefined || now - sentAt <= canEdit.windowSeconds * 1000) return undefined;
  return `correction not applied: ${platform} posts can only be edited within ${describeSeconds(canEdit.windowSeconds)} of posting`;
}

function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
