import type { z } from 'zod';
import { pino } from 'pino';
import type { Article } from '../../src/article.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';
import type { AdapterContext, AdapterDefinition, EditResult, RenderedPost, SendContext, SendResult } from '../../src/platform.ts';

/** A channel of the adapter's platform, parsed as the config loader parses it; `create` takes it as it is. */
export function channelOf<S extends z.ZodObject>(adapter: AdapterDefinition<S>, raw: Record<string, unknown>) {
  return channelSchemaFor(adapter).parse({ platform: adapter.platform, ...raw });
}

const logger = pino({ level: 'silent' });

export function onlineContext(): AdapterContext {
  return { logger, offline: false };
}

/** As for a dry run or a preview: the adapter builds its rules without contacting the platform. */
export function offlineContext(): AdapterContext {
  return { logger, offline: true };
}

/** A first attempt of delivery `delivery-1` that is never aborted, unless the overrides say otherwise. */
export function sendContext(overrides: Partial<SendContext> = {}): SendContext {
  return { idempotencyKey: 'delivery-1', resend: false, signal: new AbortController().signal, ...overrides };
}

/** The reason the adapter gave, or '' for a sent or edited post. */
export function reasonOf(result: SendResult | EditResult): string {
  return 'reason' in result ? result.reason : '';
}

/** A rendered post with no lengths, not shortened, and no title, summary or hashtags unless given. */
export function renderedPost(fields: Pick<RenderedPost, 'layout' | 'text' | 'link'> & Partial<RenderedPost>): RenderedPost {
  return { lengths: [], shortened: false, title: '', summary: '', hashtags: [], ...fields };
}

/** The Astana Times report on the Kazakhstan–US human rights dialogue. */
export function dialogueArticle(overrides: Partial<Article> = {}): Article {
  return {
    id: 'https://astanatimes.com/?p=98765',
    feedId: 'astanatimes',
    link: 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue/',
    linkKey: 'https://astanatimes.com/2024/05/kazakhstan-us-dialogue',
    title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights',
    summary: 'ASTANA – Erzhan Kazykhan and Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue.',
    categories: ['Nation', 'Human Rights'],
    ...overrides,
  };
}

/** An Astana Times article with a link and nothing else, for property tests to fill in. */
export function blankArticle(overrides: Partial<Article> = {}): Article {
  return {
    id: 'https://astanatimes.com/?p=1',
    feedId: 'astanatimes',
    link: 'https://astanatimes.com/2024/05/story/',
    linkKey: 'https://astanatimes.com/2024/05/story',
    title: '',
    summary: '',
    categories: [],
    ...overrides,
  };
}
