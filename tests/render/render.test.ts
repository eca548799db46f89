import { describe, expect, it } from 'vitest';
import { decodeHTML } from 'entities';
import type { Article } from '../../src/article.ts';
import { channelBaseSchema } from '../../src/config/channel-base.ts';
import type { Budget, Layout, Part, PlatformRules } from '../../src/platform.ts';
import { graphemes, utf16, utf8Bytes } from '../../src/render/count.ts';
import { renderPost, type RenderOutcome } from '../../src/render/render.ts';

/** A lead story as the Astana Times publishes it (see examples/article-kz-us-human-rights-dialogue.txt). */
const ARTICLE: Article = {
  id: 'https://astanatimes.com/?p=354127',
  feedId: 'astanatimes',
  link: 'https://astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms/',
  linkKey: 'astanatimes.com/2024/05/kazakhstan-us-maintain-constructive-dialogue-on-human-rights-democratic-reforms',
  title: 'Kazakhstan, US Maintain Constructive Dialogue on Human Rights, Democratic Reforms',
  summary:
    'ASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State ' +
    'for Civilian Security, Democracy, and Human Rights Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue on ' +
    'Human Rights and Democratic Reforms between Kazakhstan and the United States on May 20, reported the Foreign Ministry’s press service.',
  categories: ['Nation', 'Foreign Policy', 'Human Rights', 'C5+1'],
  author: 'Staff Report',
  publishedAt: '2024-05-21T09:10:00.000Z',
  imageUrl: 'https://astanatimes.com/wp-content/uploads/2024/05/Kazakhstan-US-dialogue.jpg',
};
const TAGGED_LINK = `${ARTICLE.link}?utm_source=test&utm_medium=social`;
const FULL_TEMPLATE = '{title}\nBy {author}\n\n{summary}\n\n{categories}\n{link}\n{hashtags}';

const channel = (overrides: Record<string, unknown> = {}) =>
  channelBaseSchema.parse({ id: 'test', utm: { source: 'test' }, ...overrides });

const budget = (unit: string, limit: number, count: (text: string) => number): Budget => ({ unit, limit, count });
const rulesWith = (budgets: Budget[], extra: Partial<PlatformRules> = {}): PlatformRules => ({
  defaultTemplate: '{title}\n\n{summary}\n\n{link}\n{hashtags}',
  layouts: [{ name: 'post', budgets }],
  ...extra,
});

function posted(outcome: RenderOutcome) {
  if (!outcome.ok) throw new Error(`expected a post, got: ${outcome.reason}`);
  return outcome.post;
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('renderPost: the post as it is', () => {
  it('fills the default template with the UTM-tagged link and hashtags when everything fits', () => {
    const outcome = renderPost({ ...ARTICLE, link: `  ${ARTICLE.link}\n` }, channel({ utm: { source: 'x', medium: 'social' } }), rulesWith([budget('chars', 10_000, utf16)]));
    const link = `${ARTICLE.link}?utm_source=x&utm_medium=social`;
    const text = `${ARTICLE.title}\n\n${ARTICLE.summary}\n\n${link}\n#Nation #ForeignPolicy`;
    expect(outcome).toEqual({
      ok: true,
      post: {
        layout: 'post',
        text,
        lengths: [{ unit: 'chars', length: text.length, limit: 10_000 }],
        shortened: false,
        link,
        title: ARTICLE.title,
        summary: ARTICLE.summary,
        hashtags: ['#Nation', '#ForeignPolicy'],
        imageUrl: ARTICLE.imageUrl,
        publishedAt: ARTICLE.publishedAt,
        source: { id: ARTICLE.id, feedId: ARTICLE.feedId, categories: ARTICLE.categories, author: ARTICLE.author },
      },
    });
  });

  it("uses the channel's template and hashtag settings over the platform's defaults", () => {
    const post = posted(
      renderPost(
        ARTICLE,
        channel({ template: '{title} ({author}) {link}\n{categories}\n{hashtags}', hashtags: { max: 5, fixed: ['AstanaTimes'] }, utm: undefined }),
        rulesWith([budget('chars', 10_000, utf16)]),
      ),
    );
    expect(post.text).toBe(
      `${ARTICLE.title} (Staff Report) ${ARTICLE.link}\nNation, Foreign Policy, Human Rights, C5+1\n#AstanaTimes #Nation #ForeignPolicy #HumanRights #C51`,
    );
    expect(post.link).toBe(ARTICLE.link);
  });

  it("caps hashtags at the platform's maximum whatever the channel asks", () => {
    const post = posted(renderPost(ARTICLE, channel({ hashtags: { max: 4 } }), rulesWith([budget('chars', 10_000, utf16)], { maxHashtags: 1 })));
    expect(post.hashtags).toEqual(['#Nation']);
    expect(post.text.endsWith(`${TAGGED_LINK}\n#Nation`)).toBe(true);
  });

  it('reports title and summary as they are for cards, and no hashtags, when the template does not show them', () => {
    const post = posted(renderPost(ARTICLE, channel({ template: '{title}\n{link}' }), rulesWith([budget('graphemes', 300, graphemes)])));
    expect(post.text).toBe(`${ARTICLE.title}\n${TAGGED_LINK}`);
    expect(post).toMatchObject({ summary: ARTICLE.summary, hashtags: [], shortened: false });
  });

  it('refuses a template with an unknown placeholder, saying which', () => {
    expect(renderPost(ARTICLE, channel({ template: '{titel}\n{link}' }), rulesWith([budget('chars', 500, utf16)]))).toEqual({
      ok: false,
      reason:
        'template: unknown placeholder {titel} (use one of: {title}, {summary}, {link}, {hashtags}, {author}, {categories}; write {{ and }} for literal braces)',
    });
  });
});

describe('renderPost: bidi controls', () => {
  it('strips directional overrides, embeddings, isolates and marks from what is posted, and counts without them', () => {
    const article = { ...ARTICLE, title: 'Breaking\u202E moc.elpmaxe\u202C \u2067news\u2069\u200F', summary: 'ok\u061C' };
    const post = posted(renderPost(article, channel({ template: '{title} {summary}' }), rulesWith([budget('chars', 500, (t) => [...t].length)])));
    expect(post.text).toBe('Breaking moc.elpmaxe news ok');
    expect(post.lengths[0]!.length).toBe(28);
  });
});

describe('renderPost: fitting', () => {
  it('drops the hashtags, then cuts the summary at a word, to fit 500 graphemes (Mastodon)', () => {
    const post = posted(renderPost(ARTICLE, channel(), rulesWith([budget('graphemes', 500, graphemes)])));
    expect(post.text).toBe(
      `${ARTICLE.title}\n\nASTANA – Assistant to the President of Kazakhstan for International Affairs Erzhan Kazykhan and U.S. Under Secretary of State ` +
        `for Civilian Security, Democracy, and Human Rights Uzra Zeya co-chaired the third meeting of the annual High-Level Dialogue on Human Rights…\n\n${TAGGED_LINK}`,
    );
    expect(post).toMatchObject({ shortened: true, hashtags: [], title: ARTICLE.title, lengths: [{ unit: 'graphemes', length: 497, limit: 500 }] });
  });

  it('prefers a sentence boundary in the summary over a longer cut at a word', () => {
    const summary = 'Kazakhstan and the US met in Astana. They discussed the reform agenda of President Tokayev at length.';
    const post = posted(renderPost({ ...ARTICLE, summary }, channel(), rulesWith([budget('graphemes', 300, graphemes)])));
    expect(post.summary).toBe('Kazakhstan and the US met in Astana.');
    expect(post.text).toBe(`${ARTICLE.title}\n\nKazakhstan and the US met in Astana.\n\n${TAGGED_LINK}`);
  });

  it('drops a lead that would be cut to fewer than four words, rather than post a stub', () => {
    const article = { ...ARTICLE, categories: [], summary: 'Astana hosts the third meeting of the dialogue on reforms.' };
    const stub = posted(renderPost({ ...article, summary: 'Astana hosts the…' }, channel(), rulesWith([budget('chars', 1000, (t) => t.length)])));
    const room = stub.text.length;
    const post = posted(renderPost(article, channel(), rulesWith([budget('chars', room, (t) => t.length)])));
    expect(post.summary).toBe('');
    expect(post.title).toBe(ARTICLE.title);
  });

  it('counts UTF-16 code units where the platform does, never splitting a surrogate pair', () => {
    const article = {
      ...ARTICLE,
      title: '🇰🇿🤝🇺🇸 Kazakhstan, US hold 𝐡𝐮𝐦𝐚𝐧 𝐫𝐢𝐠𝐡𝐭𝐬 dialogue',
      summary: '𝐀𝐬𝐭𝐚𝐧𝐚 𝐡𝐨𝐬𝐭𝐬 𝐭𝐡𝐞 𝐭𝐡𝐢𝐫𝐝 𝐦𝐞𝐞𝐭𝐢𝐧𝐠 𝐨𝐟 𝐭𝐡𝐞 𝐝𝐢𝐚𝐥𝐨𝐠𝐮𝐞 𝐨𝐧 𝐫𝐞𝐟𝐨𝐫𝐦𝐬',
    };
    const post = posted(renderPost(article, channel(), rulesWith([budget('UTF-16', 260, utf16)])));
    expect(post.text).toBe(`${article.title}\n\n𝐀𝐬𝐭𝐚𝐧𝐚 𝐡𝐨𝐬𝐭𝐬 𝐭𝐡𝐞 𝐭𝐡𝐢𝐫𝐝…\n\n${TAGGED_LINK}`);
    expect(post.lengths).toEqual([{ unit: 'UTF-16', length: 255, limit: 260 }]);
    expect(graphemes(post.text)).toBe(218);
    expect(post.text).not.toMatch(/\p{Cs}/u);
  });

  describe('a pair of budgets (Bluesky: 300 graphemes AND 3000 UTF-8 bytes)', () => {
    const bluesky = rulesWith([budget('graphemes', 300, graphemes), budget('bytes', 3000, utf8Bytes)]);

    it('is bound by graphemes for Latin text', () => {
      const post = posted(renderPost(ARTICLE, channel(), bluesky));
      expect(post.text).toBe(`${ARTICLE.title}\n\nASTANA – Assistant to the President of Kazakhstan for International…\n\n${TAGGED_LINK}`);
      expect(post.lengths).toEqual([
        { unit: 'graphemes', length: 299, limit: 300 },
        { unit: 'bytes', length: 303, limit: 3000 },
      ]);
    });

    it('is bound by bytes for text heavy with combining marks', () => {
      const word = 'a\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030f\u0311\u0323\u0324\u0325\u0326\u0327\u0328'.repeat(3);
      const article = { ...ARTICLE, title: 'Zalgo', summary: Array.from({ length: 100 }, () => word).join(' ') };
      const post = posted(renderPost(article, channel(), bluesky));
      const [byGraphemes, byBytes] = post.lengths;
      expect(byBytes!.length).toBeLessThanOrEqual(3000);
      expect(byBytes!.length + utf8Bytes(` ${word}`)).toBeGreaterThan(3000);
      expect(byGraphemes!.length + graphemes(` ${word}`)).toBeLessThanOrEqual(300);
      expect(post.summary).toBe(`${Array.from({ length: 22 }, () => word).join(' ')}…`);
    });
  });

  describe('a format that escapes HTML (Telegram-like)', () => {
    const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
    const html = (parts: Part[], post: { link: string }) =>
      parts
        .map((p) => {
          if (p.kind === 'title') return `<b>${escape(p.text)}</b>`;
          if (p.kind === 'link') return `<a href="${escape(post.link)}">${escape(p.text)}</a>`;
          return escape(p.text);
        })
        .join('');
    const visible = (text: string) => decodeHTML(text.replace(/<[^>]*>/g, ''));
    const article = {
      ...ARTICLE,
      title: 'Q&A: <Kazakhstan> & "US" on rights & reforms',
      summary: 'Rights & freedoms <and> "media" & more & more & more & more & more & more & more & more & more & more & more',
    };

    function expectWellFormed(text: string) {
      expect(text.replace(/&(amp|lt|gt|quot);/g, '')).not.toMatch(/&/);
      expect(text.replace(/<\/?b>|<a href="[^"<>]*">|<\/a>/g, '')).not.toMatch(/[<>]/);
    }

    it('counts the markup when the budget says so', () => {
      const post = posted(renderPost(article, channel(), rulesWith([budget('UTF-16', 450, utf16)], { format: html })));
      expect(post.text).toBe(
        `<b>Q&amp;A: &lt;Kazakhstan&gt; &amp; &quot;US&quot; on rights &amp; reforms</b>\n\nRights &amp; freedoms &lt;and&gt; &quot;media…\n\n` +
          `<a href="${escape(TAGGED_LINK)}">${escape(TAGGED_LINK)}</a>`,
      );
      expect(post.lengths[0]!.length).toBe(post.text.length);
      expect(post.summary).toBe('Rights & freedoms <and> "media…');
      expect(post.lengths).toEqual([{ unit: 'UTF-16', length: 444, limit: 450 }]);
      expectWellFormed(post.text);
    });

    it('excludes the markup when the budget counts what the reader sees', () => {
      const post = posted(renderPost(article, channel(), rulesWith([budget('UTF-16', 300, (t) => visible(t).length)], { format: html })));
      expect(visible(post.text)).toBe(`${article.title}\n\n${article.summary.slice(0, 101)}…\n\n${TAGGED_LINK}`);
      expect(post.text.length).toBeGreaterThan(300);
      expect(post.lengths[0]!.length).toBe(visible(post.text).length);
      expectWellFormed(post.text);
    });

    it('never cuts inside an entity or a tag, at any limit', () => {
      for (let limit = 320; limit <= 700; limit++) {
        const post = posted(renderPost(article, channel(), rulesWith([budget('UTF-16', limit, utf16)], { format: html })));
        expect(post.text.length).toBeLessThanOrEqual(limit);
        expectWellFormed(post.text);
        expect(occurrences(post.text, `<a href="${escape(TAGGED_LINK)}">`)).toBe(1);
      }
    });
  });

  it('drops and shortens in order: hashtags, categories, summary, author, title — and never the link', () => {
    const rulesAt = (limit: number) => rulesWith([budget('graphemes', limit, graphemes)]);
    const settings = channel({ template: FULL_TEMPLATE, hashtags: { max: 3 } });
    const full = posted(renderPost(ARTICLE, settings, rulesAt(10_000)));
    const linkAlone = graphemes(TAGGED_LINK);
    const stageOf = (post: ReturnType<typeof posted>) => {
      const hasCategories = post.text.includes('Nation, Foreign Policy, Human Rights, C5+1');
      const hasAuthor = post.text.includes('By Staff Report');
      if (post.title === '') return 8;
      if (post.title !== ARTICLE.title) return 7;
      if (!hasAuthor) return 6;
      if (post.summary === '') return 5;
      if (post.summary !== ARTICLE.summary) return 4;
      if (!hasCategories) return 3;
      if (post.hashtags.length < 3) return post.hashtags.length === 0 ? 2 : 1;
      return 0;
    };
    const seen = new Set<number>();
    let previous = 0;
    for (let limit = full.lengths[0]!.length; limit >= linkAlone; limit--) {
      const post = posted(renderPost(ARTICLE, settings, rulesAt(limit)));
      const stage = stageOf(post);
      seen.add(stage);
      expect(stage, `limit ${limit}`).toBeGreaterThanOrEqual(previous);
      previous = stage;
      expect(graphemes(post.text)).toBeLessThanOrEqual(limit);
      expect(occurrences(post.text, TAGGED_LINK)).toBe(1);
      expect(post.shortened).toBe(stage > 0);
      if (post.hashtags.length > 0) expect(post.hashtags).toEqual(['#Nation', '#ForeignPolicy', '#HumanRights'].slice(0, post.hashtags.length));
      if (stage >= 2) expect(post.text).not.toContain('#');
      if (stage >= 3) expect(post.text).not.toContain('Nation, ');
      if (stage >= 4 && post.summary) expect(ARTICLE.summary.startsWith(post.summary.slice(0, -1))).toBe(true);
      if (stage >= 5) expect(post.summary).toBe('');
      if (stage >= 6) expect(post.text).not.toContain('By ');
      if (stage === 7) expect(ARTICLE.title.startsWith(post.title.slice(0, -1))).toBe(true);
      if (stage === 8) expect(post.text).toBe(TAGGED_LINK);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps hashtags while dropping one more is enough, and touches nothing else', () => {
    const settings = channel({ template: FULL_TEMPLATE, hashtags: { max: 3 } });
    const full = posted(renderPost(ARTICLE, settings, rulesWith([budget('graphemes', 10_000, graphemes)])));
    const post = posted(renderPost(ARTICLE, settings, rulesWith([budget('graphemes', full.lengths[0]!.length - 1, graphemes)])));
    expect(post.text).toBe(full.text.replace(' #HumanRights', ''));
    expect(post).toMatchObject({ hashtags: ['#Nation', '#ForeignPolicy'], summary: ARTICLE.summary, title: ARTICLE.title, shortened: true });
  });

  it('shortens the title at a word, then a grapheme, once summary and author are gone', () => {
    const settings = channel({ template: FULL_TEMPLATE });
    const at = (limit: number) => posted(renderPost(ARTICLE, settings, rulesWith([budget('graphemes', limit, graphemes)]))).title;
    const linkAlone = graphemes(TAGGED_LINK);
    expect(at(linkAlone + 2 + 30)).toBe('Kazakhstan, US Maintain…');
    expect(at(linkAlone + 2 + 11)).toBe('Kazakhstan…');
    expect(at(linkAlone + 2 + 10)).toBe('Kazakhsta…');
    expect(at(linkAlone + 2 + 9)).toBe('Kazakhst…');
    expect(at(linkAlone + 2 + 2)).toBe('K…');
    expect(at(linkAlone + 2 + 1)).toBe('');
  });

  it('fits a 20,000-character summary with a bounded number of attempts', () => {
    let formats = 0;
    const summary = 'Kazakhstan’s reform agenda moves on, officials say. '.repeat(400).slice(0, 20_000);
    const rules = rulesWith([budget('graphemes', 4096, graphemes)], {
      format: (parts) => {
        formats++;
        return parts.map((p) => p.text).join('');
      },
    });
    const post = posted(renderPost({ ...ARTICLE, summary }, channel(), rules));
    expect(post.lengths[0]!.length).toBeLessThanOrEqual(4096);
    expect(post.lengths[0]!.length).toBeGreaterThan(4096 - 60);
    expect(post.summary.endsWith('say.')).toBe(true);
    expect(formats).toBeLessThan(40);
  });

  it('says why when even the link alone does not fit', () => {
    expect(renderPost(ARTICLE, channel(), rulesWith([budget('graphemes', 100, graphemes)]))).toEqual({
      ok: false,
      reason: `cannot fit: layout "post" has no room for the title (link alone is ${graphemes(TAGGED_LINK)} graphemes, limit 100)`,
    });
    const pair = rulesWith([budget('graphemes', 300, graphemes), budget('bytes', 120, utf8Bytes)]);
    expect(renderPost(ARTICLE, channel(), pair)).toEqual({
      ok: false,
      reason: `cannot fit: layout "post" has no room for the title (link alone is ${utf8Bytes(TAGGED_LINK)} bytes, limit 120)`,
    });
  });
});

describe('renderPost: layouts', () => {
  const photo: Layout = { name: 'photo', needsImage: true, budgets: [budget('UTF-16', 1024, utf16)] };
  const message: Layout = { name: 'message', budgets: [budget('UTF-16', 4096, utf16)] };
  const telegram = rulesWith([], { layouts: [photo, message] });

  it('uses the first layout the full post fits, when the article has the image it needs', () => {
    const post = posted(renderPost(ARTICLE, channel(), telegram));
    expect(post).toMatchObject({ layout: 'photo', shortened: false, imageUrl: ARTICLE.imageUrl });
    expect(post.lengths).toEqual([{ unit: 'UTF-16', length: post.text.length, limit: 1024 }]);
  });

  it('skips a layout that needs an image when the article has none', () => {
    const { imageUrl: _, ...withoutImage } = ARTICLE;
    const post = posted(renderPost(withoutImage, channel(), telegram));
    expect(post.layout).toBe('message');
    expect(post).not.toHaveProperty('imageUrl');
  });

  it('moves to a roomier layout rather than shortening', () => {
    const summary = `${ARTICLE.summary} `.repeat(4).trim();
    const post = posted(renderPost({ ...ARTICLE, summary }, channel(), telegram));
    expect(post).toMatchObject({ layout: 'message', shortened: false, summary });
  });

  it('shortens in the last layout when the post fits none', () => {
    const summary = `${ARTICLE.summary} `.repeat(20).trim();
    const post = posted(renderPost({ ...ARTICLE, summary }, channel(), telegram));
    expect(post).toMatchObject({ layout: 'message', shortened: true, hashtags: [] });
    expect(post.text.length).toBeLessThanOrEqual(4096);
    expect(post.summary.endsWith('press service.')).toBe(true);
  });

  it('refuses when every layout needs an image the article lacks', () => {
    const { imageUrl: _, ...withoutImage } = ARTICLE;
    expect(renderPost(withoutImage, channel(), rulesWith([], { layouts: [photo] }))).toEqual({
      ok: false,
      reason: 'every layout of this platform needs an image, and the article has none',
    });
  });
});
