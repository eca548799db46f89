import { describe, expect, it } from 'vitest';
import { firstImage, isArticleImage } from '../../src/feeds/image.ts';
import { imageAltOf, withoutCredit } from '../../src/feeds/image-alt.ts';

describe('firstImage', () => {
  it('skips emoji, pixels and icons by URL and declared size, and reads alt and figure caption', () => {
    const html =
      '<p><img src="https://s.w.org/images/core/emoji/15.0.3/72x72/1f642.png" alt="🙂" /></p>' +
      '<img src="https://news.example.kz/tiny.jpg" width="76" height="50" />' +
      '<figure class="wp-block-image"><img src="/a.jpg" alt="" width="1024" height="576" /><figcaption>Passengers on the platform. Photo credit: city administration</figcaption></figure>';
    expect(firstImage(html)).toEqual({ src: '/a.jpg', caption: 'Passengers on the platform. Photo credit: city administration' });
    expect(firstImage('<img alt="Jamie Oliver in London" src=http://media0.faz.net/x.jpg width=190 height=107>')).toEqual({
      src: 'http://media0.faz.net/x.jpg',
      alt: 'Jamie Oliver in London',
    });
  });

  it.each([
    'http://pixel.wp.com/b.gif?host=indianexpress.com',
    'https://0.gravatar.com/avatar/cd82559e?s=96&d=identicon',
    'https://feed.itsfoss.com/link/24361/17298787.gif',
    'http://feeds.feedburner.com/~r/ng/News/News_Main/~4/UcW2Wf6VPPM',
    'https://example.org/wp-includes/images/smilies/icon_smile.gif',
  ])('refuses %s', (url) => {
    expect(isArticleImage(url)).toBe(false);
  });
});

describe('imageAltOf', () => {
  it('strips the credit from a caption and refuses a bare credit, the headline or a file name', () => {
    expect(withoutCredit('Passengers run for cover in Terminal 1, Fort Lauderdale. (Paul E. Kostyu via AP)')).toBe(
      'Passengers run for cover in Terminal 1, Fort Lauderdale.',
    );
    expect(imageAltOf({ caption: 'Foto: Rusia Today' }, 'Title')).toBeUndefined();
    expect(imageAltOf({ alt: 'Freddo a Roma' }, 'Freddo a Roma')).toBeUndefined();
    expect(imageAltOf({ alt: 'IMG_1234.jpg' }, 'Title')).toBeUndefined();
    expect(imageAltOf({ alt: 'By Nature Natural Pet Foods' }, 'Title')).toBeUndefined();
  });

  it('prefers the Media RSS description, repairing mojibake', () => {
    expect(imageAltOf({ mediaDescription: 'Raiders ride giant lizards', alt: 'other' }, 'T')).toBe('Raiders ride giant lizards');
    expect(imageAltOf({ alt: 'Tausende FlÃ¼chtlinge in Belgrad' }, 'T')).toBe('Tausende Flüchtlinge in Belgrad');
  });
});
