import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/feeds/decode.ts';
import { parseFeed } from '../../src/feeds/parse.ts';

/** Feeds as legacy CMSes write them, served by a web server whose default says UTF-8. */
const MISLABELLED = [
  { encoding: 'windows-1251', title: 'Токаев провёл встречу с инвесторами в Астане', summary: 'Президент обсудил «зелёную» энергетику и цифровизацию.' },
  { encoding: 'koi8-r', title: 'Погода в Алматы: ожидается снег', summary: 'Синоптики предупреждают о гололёде на дорогах.' },
  { encoding: 'koi8-u', title: 'Україна та Казахстан підписали угоду', summary: "Сторони домовилися про співпрацю в галузі зв'язку." },
  { encoding: 'iso-8859-2', title: 'Łódź: nowe połączenie kolejowe z Gdańskiem', summary: 'Pociągi pojadą szybciej już od września.' },
  { encoding: 'windows-1253', title: 'Αθήνα: νέα μέτρα για την ενέργεια', summary: 'Η κυβέρνηση ανακοίνωσε επιδοτήσεις.' },
  { encoding: 'iso-8859-9', title: "İstanbul'da ulaşım zammı açıklandı", summary: 'Yeni tarifeler pazartesi günü başlıyor.' },
  { encoding: 'shift_jis', title: 'カザフスタン大統領が来日', summary: '首脳会談でエネルギー協力を確認した。' },
  { encoding: 'gb2312', title: '哈萨克斯坦总统会见投资者', summary: '双方讨论了绿色能源合作。' },
];

function feedBytes(encoding: string, title: string, summary: string): Buffer {
  const xml =
    `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0"><channel><title>${title}</title>` +
    `<item><title>${title}</title><link>https://news.example/1</link><description>${summary}</description></item></channel></rss>`;
  return iconv.encode(xml, encoding);
}

describe('a Content-Type saying UTF-8 over bytes that are not UTF-8', () => {
  it.each(MISLABELLED)('loses to the XML declaration: $encoding', async ({ encoding, title, summary }) => {
    const bytes = feedBytes(encoding, title, summary);
    const text = decodeFeedBytes(bytes, 'application/rss+xml; charset=utf-8');
    const { articles } = await parseFeed(text, { id: 'legacy', url: 'https://news.example/feed' });
    expect([articles[0]!.title, articles[0]!.summary]).toEqual([title, summary]);
  });

  it('still wins over a declaration when the bytes are valid UTF-8', () => {
    const xml = '<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>Новости</title></channel></rss>';
    expect(decodeFeedBytes(Buffer.from(xml, 'utf8'), 'text/xml; charset=UTF-8')).toBe(xml);
  });

  it('without a declaration, reads the stray bytes as windows-1252 rather than U+FFFD', () => {
    expect(decodeFeedBytes(iconv.encode('<rss><title>Café “Zoë”</title></rss>', 'windows-1252'), 'text/xml; charset=utf-8')).toBe('<rss><title>Café “Zoë”</title></rss>');
  });

  it('a BOM wins over both', () => {
    const xml = '<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>Жаңалықтар</title></channel></rss>';
    expect(decodeFeedBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml, 'utf-16le')]), 'text/xml; charset=utf-8')).toBe(xml);
  });
});
