import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import RssParser from 'rss-parser';
import { decodeHTML } from 'entities';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import { visitHtmlBlocks } from '../../src/feeds/html-text.ts';
import { isNonProse, leadCandidate, leadFromHtml } from '../../src/feeds/lead.ts';
import { repairXml } from '../../src/feeds/xml-repair.ts';

/** The outlet's article as it publishes it: its item in the fixture feed, one paragraph per element. */
const exampleItem = fs
  .readFileSync(path.resolve(import.meta.dirname, '../fixtures/astanatimes-feed.xml'), 'utf8')
  .split('<item>')
  .find((item) => item.includes('Human Rights, Democratic Reforms'))!;
const exampleHtml = /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/.exec(exampleItem)![1]!;
const [lead, credit, ...rest] = [...exampleHtml.matchAll(/<p>([\s\S]*?)<\/p>/g)]
  .map((m) => decodeHTML(m[1]!.replace(/<[^>]+>/g, '')).trim())
  .filter((text) => text !== '' && !text.startsWith('The post ')) as [string, string, ...string[]];
const headline = decodeHTML(/<title>([\s\S]*?)<\/title>/.exec(exampleItem)![1]!);
const newsletter = rest.at(-1)!;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
const appearedFirst =
  '<p>The post <a href="https://astanatimes.com/2024/05/x/">Kazakhstan, US Maintain Constructive Dialogue</a> appeared first on <a href="https://astanatimes.com">The Astana Times</a>.</p>';

describe('leadFromHtml on the outlet example', () => {
  it('reads the example as the outlet publishes it', () => {
    expect(headline).toBe('Kazakhstan, US Maintain Constructive Dialogue on Human Rights, Democratic Reforms');
    expect(credit).toBe('Photo credit: Kazakh Foreign Ministry');
    expect(newsletter).toMatch(/^Get The Astana Times stories sent directly to you!/);
  });

  it('takes the first paragraph of the article', () => {
    const html = [lead, credit, ...rest].map(p).join('\n') + appearedFirst;
    expect(leadFromHtml(html)).toBe(lead);
  });

  it('skips a photo credit, an image-only paragraph and an empty paragraph before the lead', () => {
    const html = [
      '<p>&nbsp;</p>',
      '<p><a href="https://astanatimes.com/x.jpg"><img src="https://astanatimes.com/x.jpg" alt="" /></a></p>',
      `<p><em>${credit}</em></p>`,
      p(lead),
      ...rest.map(p),
    ].join('\n');
    expect(leadFromHtml(html)).toBe(lead);
  });

  it('never returns the photo credit or the newsletter footer, whatever else is missing', () => {
    expect(leadFromHtml([credit, newsletter].map(p).join('') + appearedFirst)).toBe('');
    expect(leadFromHtml(`${p(credit)}${p(newsletter)}${p(rest[0]!)}`)).toBe(rest[0]);
    expect(leadFromHtml(`<p>${credit}<br />${escapeHtml(lead)}</p>`)).toBe(lead);
  });
});

describe('leadFromHtml on WordPress markup', () => {
  const story = 'ALMATY – Three new stations of the Almaty metro opened to passengers on May 20.';

  it.each([
    [
      'a classic-editor caption',
      `<div id="attachment_1" class="wp-caption aligncenter"><img src="/a.jpg" /><p class="wp-caption-text">Passengers on the platform. Photo credit: city administration</p></div><p>${story}</p>`,
    ],
    [
      'a block-editor figure',
      `<figure class="wp-block-image"><img src="/a.jpg" /><figcaption class="wp-element-caption">Passengers on the platform</figcaption></figure><p>${story}</p>`,
    ],
    ['a "Photo:" line', `<p>Photo: Kazinform</p><p>${story}</p>`],
    ['a "Photos courtesy of" line', `<p>Photos courtesy of the Almaty akimat</p><p>${story}</p>`],
    ['a "Photo by" line', `<p>Photo by Jane Doe/Reuters</p><p>${story}</p>`],
    ['a leaked [caption] shortcode', `<p>[caption id="attachment_1" align="aligncenter"]Passengers[/caption]</p><p>${story}</p>`],
    ['a subheading', `<h2>Metro</h2><p>${story}</p>`],
    ['an embedded tweet', `<blockquote class="twitter-tweet"><p>Tweet text</p></blockquote><p>${story}</p>`],
    ['a "Read more" line', `<p>Read more: <a href="/b">Earlier story</a></p><p>${story}</p>`],
    ['a "Read also:" line', `<p>Read also: Earlier story</p><p>${story}</p>`],
  ])('skips %s', (_name, html) => {
    expect(leadFromHtml(html)).toBe(story);
  });

  it('uses a plain description without <p>: a cut excerpt keeps its whole sentences, else ends with "…"', () => {
    expect(leadFromHtml('Kazakhstan&#8217;s wrestlers won four medals in Bishkek. [&#8230;]')).toBe(
      'Kazakhstan’s wrestlers won four medals in Bishkek.',
    );
    expect(leadFromHtml('The team won four medals in Bishkek, the committee &hellip;')).toBe('The team won four medals in Bishkek, the committee…');
    expect(leadFromHtml('The team won four medals in Bishkek. The committee said [&#8230;]')).toBe('The team won four medals in Bishkek.');
    expect(leadFromHtml('The team won four medals... <a href="/x">Continue reading <span>Wrestlers</span></a>')).toBe(
      'The team won four medals…',
    );
  });

  it('takes the excerpt, not "The post … appeared first on …", from a WordPress description', () => {
    const description = `<p>ASTANA – The parties discussed cooperation between Kazakhstan and [&#8230;]</p>\n${appearedFirst}`;
    expect(leadFromHtml(description)).toBe('ASTANA – The parties discussed cooperation between Kazakhstan and…');
    expect(leadFromHtml('Excerpt of the long story [&#8230;] The post Title appeared first on The Astana Times.')).toBe('Excerpt of the long story…');
  });

  it('keeps line breaks inside a paragraph as spaces and decodes entities', () => {
    expect(leadFromHtml('<p>ASTANA &#8211; First line<br>second line &amp; more</p>')).toBe('ASTANA – First line second line & more');
  });

  it('returns an empty lead when there is no text', () => {
    expect(leadFromHtml('')).toBe('');
    expect(leadFromHtml('<p><img src="/x.jpg"></p><script>var x = "<p>not text</p>";</script>')).toBe('');
  });
});

describe('leadFromHtml properties', () => {
  const word = fc.stringMatching(/^[a-z]{3,10}$/);
  const sentence = fc.array(word, { minLength: 4, maxLength: 12 }).map((w) => `ASTANA – ${w.join(' ')}.`);
  const boilerplate = fc.constantFrom(
    `<p>${credit}</p>`,
    `<p><em>Photo: Akorda press service</em></p>`,
    p(newsletter),
    appearedFirst,
    '<p><img src="https://astanatimes.com/x.jpg" alt=""></p>',
    '<figure><img src="/y.jpg"><figcaption>A caption</figcaption></figure>',
    '<p>&nbsp;</p>',
  );

  it('never throws on arbitrary input and returns trimmed single-spaced text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (input) => {
        const result = leadFromHtml(input);
        expect(result).toBe(result.trim());
        expect(result).not.toMatch(/\s\s/);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary tag soup', () => {
    const fragment = fc.constantFrom('<p>', '</p>', '<br>', '<div class="wp-caption">', '</div>', '<figure>', '&', '&#8230;', '[', ']', 'Photo: ', ' text ', '<img src=x>', '<!--', '-->', '<![CDATA[');
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        expect(typeof leadFromHtml(parts.join(''))).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('is the first story paragraph whatever boilerplate surrounds it', () => {
    fc.assert(
      fc.property(fc.array(boilerplate, { maxLength: 4 }), sentence, fc.array(sentence, { maxLength: 3 }), fc.array(boilerplate, { maxLength: 4 }), (before, first, more, after) => {
        const html = [...before, `<p>${first}</p>`, ...more.map((s) => `<p>${s}</p>`), ...after].join('\n');
        expect(leadFromHtml(html)).toBe(first);
      }),
      { numRuns: 200 },
    );
  });
});

/** The lead as read from every block of the document, the way leadFromHtml read it before it stopped early. */
function leadOfWholeDocument(html: string): string {
  const candidates: { text: string; inParagraph: boolean }[] = [];
  visitHtmlBlocks(html, isNonProse, (block) => {
    candidates.push({ text: leadCandidate(block, ''), inParagraph: block.inParagraph });
    return true;
  });
  const withText = candidates.filter((c) => c.text !== '');
  return (withText.find((c) => c.inParagraph) ?? withText[0])?.text ?? '';
}

/** The HTML of every item (content:encoded, description or Atom content, Atom summary) in the corpus and fixtures. */
async function feedHtml(): Promise<string[]> {
  const fixtures = path.resolve(import.meta.dirname, '../fixtures');
  const files = fs
    .readdirSync(fixtures, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(?:xml|rss|atom)$/.test(f))
    .map((f) => path.join(fixtures, f));
  const parser = new RssParser();
  const html: string[] = [];
  for (const file of files) {
    let items: Record<string, unknown>[];
    try {
      items = (await parser.parseString(repairXml(decodeFeedBytes(fs.readFileSync(file))))).items as Record<string, unknown>[];
    } catch {
      continue;
    }
    for (const item of items) {
      for (const value of [item['content:encoded'], item.content, item.summary]) if (typeof value === 'string') html.push(value);
    }
  }
  return html;
}

describe('leadFromHtml stops parsing at the lead', async () => {
  const html = await feedHtml();

  it('has the HTML of the fixture items to check against (1163 when this was written)', () => {
    expect(html.length).toBeGreaterThanOrEqual(1163);
  });

  it('gives the lead the whole document gives, on every item of the corpus and fixtures', () => {
    const differing = html.filter((h) => leadFromHtml(h) !== leadOfWholeDocument(h));
    expect(differing).toEqual([]);
  });

  it('gives the lead the whole document gives, on the outlet example and on tag soup', () => {
    const outletArticle = [credit, lead, ...rest].map(p).join('\n') + appearedFirst;
    expect(leadFromHtml(outletArticle)).toBe(leadOfWholeDocument(outletArticle));
    const fragment = fc.constantFrom(
      '<p>', '</p>', '<br>', '<div class="wp-caption">', '</div>', '<figure>', '</figure>', '<figcaption>', '<h2>', '</h2>', '<li>',
      '<blockquote class="twitter-tweet">', '</blockquote>', '<script>', '</script>', '<p class="credit">', '<em>', '</em>',
      'Photo: Akorda', 'Photo credit: X', '[&#8230;]', ' … ', 'Read more', 'The post X appeared first on Y.', 'Story text.', ' ', '\n', '&nbsp;',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const soup = parts.join('');
        expect(leadFromHtml(soup)).toBe(leadOfWholeDocument(soup));
      }),
      { numRuns: 1000 },
    );
  });
});
