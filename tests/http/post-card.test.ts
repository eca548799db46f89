import fc from 'fast-check';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.ts';
import { postCard } from '../../src/http/console/post-card.ts';
import type { AdapterDefinition, RenderedPost } from '../../src/platform.ts';
import { renderPost } from '../../src/render/render.ts';
import { channelOf, dialogueArticle, offlineContext } from '../helpers/adapter-test.ts';

const CHANNELS: Record<string, Record<string, unknown>> = {
  telegram: { id: 'tg', chatId: '@astanatimes', auth: { botToken: '123:abc' }, utm: { source: 'telegram' } },
  x: { id: 'x-main', auth: { appKey: 'a', appSecret: 'b', accessToken: 'c', accessSecret: 'd' } },
  bluesky: { id: 'bsky', auth: { identifier: 'at.bsky.social', password: 'app-pass' } },
};

async function rendered(platform: string, overrides: Parameters<typeof dialogueArticle>[0] = {}): Promise<RenderedPost> {
  const def = adapters[platform]!;
  const channel = channelOf(def, CHANNELS[platform]!) as Parameters<AdapterDefinition['create']>[0];
  const adapter = await def.create(channel, offlineContext());
  const outcome = renderPost(dialogueArticle({ categories: ['Nation'], imageUrl: 'https://astanatimes.com/img/dialogue.jpg', ...overrides }), channel, adapter.rules);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.post;
}

const doc = (html: string) => parseDocument(html);
const byClass = (html: string, cls: string) => DomUtils.findAll((e) => (e.attribs.class ?? '').split(' ').includes(cls), doc(html).children);

describe('posts shown as their platforms show them', () => {
  it('a Telegram message has its bold title linked to the article with the UTM tags, markup in the title escaped', async () => {
    const post = await rendered('telegram', { title: 'Kazakhstan & US <script>alert(1)</script> talk' });
    const html = postCard('telegram', 'tg', post).toString();
    const bold = DomUtils.findOne((e) => e.name === 'b', doc(html).children)!;
    const link = DomUtils.findOne((e) => e.name === 'a', bold.children)!;
    expect(link.attribs.href).toBe('https://astanatimes.com/2024/05/kazakhstan-us-dialogue/?utm_source=telegram&utm_medium=social');
    expect(DomUtils.textContent(link)).toBe('Kazakhstan & US <script>alert(1)</script> talk');
    expect(DomUtils.findAll((e) => e.name === 'script', doc(html).children)).toHaveLength(0);
    expect(DomUtils.textContent(byClass(html, 'platform'))).toBe('Telegram');
    expect([post.layout, byClass(html, 'post-image').length, byClass(html, 'link-card').length]).toEqual(['photo', 1, 0]);
  });

  it('an X post shows its text with the link and hashtags marked, then the link card', async () => {
    const post = await rendered('x');
    const html = postCard('x', 'x-main', post).toString();
    const text = byClass(html, 'post-text')[0]!;
    expect(DomUtils.textContent(text)).toBe(post.text);
    expect(DomUtils.findAll((e) => e.name === 'a', text.children).map((a) => a.attribs.href)).toEqual([post.link]);
    expect(DomUtils.textContent(byClass(html, 'hashtag'))).toBe('#Nation');
    expect(DomUtils.textContent(byClass(html, 'card-host'))).toBe('astanatimes.com');
    expect(DomUtils.textContent(byClass(html, 'card-title'))).toBe('Kazakhstan, US Maintain Constructive Dialogue on Human Rights');
    expect(DomUtils.findOne((e) => e.name === 'img', byClass(html, 'link-card'))?.attribs.src).toBe('https://astanatimes.com/img/dialogue.jpg');
    expect(DomUtils.textContent(byClass(html, 'post-meta'))).toBe(`text · weighted ${post.lengths[0]!.length}/280`);
  });

  it('never lets a title or summary add elements or attributes, on any platform', async () => {
    const allowed = new Set(['div', 'span', 'a', 'b', 'img']);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('telegram', 'x', 'bluesky'), fc.string(), fc.string(), async (platform, title, summary) => {
        const post = await rendered(platform, { title: `${title} <img src=x onerror=alert(1)>`, summary });
        const html = postCard(platform, 'c', post).toString();
        const elements = DomUtils.findAll(() => true, doc(html).children);
        for (const e of elements) {
          expect(allowed.has(e.name), e.name).toBe(true);
          expect(Object.keys(e.attribs).filter((a) => a.startsWith('on'))).toEqual([]);
        }
        expect(elements.filter((e) => e.name === 'img').map((e) => e.attribs.src)).toEqual(['https://astanatimes.com/img/dialogue.jpg']);
      }),
      { numRuns: 60 },
    );
  });
});
