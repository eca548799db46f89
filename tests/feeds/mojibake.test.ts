import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairMojibake } from '../../src/feeds/mojibake.ts';

/** What a feed does to text when it decodes UTF-8 bytes as Windows-1252 once too often. */
function doubleDecode(text: string): string {
  const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
  return [...new TextEncoder().encode(text)].map((b) => (b >= 0x80 && b <= 0x9f ? high[b - 0x80]! : String.fromCharCode(b))).join('');
}

describe('repairMojibake', () => {
  it.each([
    ['Le Monde.fr - ActualitÃ©s', 'Le Monde.fr - Actualités'],
    ['La Â«\u00C2\u00A0bulle\u00C2\u00A0Â» Macron rÃ©siste', 'La «\u00A0bulle\u00A0» Macron résiste'],
    ['Prime Minister Justin Trudeauâ€™s top advisers', 'Prime Minister Justin Trudeau’s top advisers'],
    ['KÃ¤ltewelle: FlÃ¼chtlinge in GroÃŸbritannien', 'Kältewelle: Flüchtlinge in Großbritannien'],
    ['â€žOhne uns fÃ¤hrt kein Fahrzeug autonomâ€œ', '„Ohne uns fährt kein Fahrzeug autonom“'],
    [doubleDecode('Собака спасла младенца'), 'Собака спасла младенца'],
    ['Â£5 and ðŸ˜€', '£5 and 😀'],
  ])('repairs %j', (broken, repaired) => {
    expect(repairMojibake(broken)).toBe(repaired);
  });

  it('reads "â€" whose 0x9D byte was lost as a closing quote', () => {
    expect(repairMojibake('the wartime â€œcomfort womenâ€ near the consulate')).toBe('the wartime “comfort women” near the consulate');
  });

  it.each([
    'SÃO PAULO – A greve dos metroviários',
    'un café »… et puis',
    'Ä ö ü ß é è à ç ñ Å ø',
    'Ïîñëåäíèå íîâîñòè',
    'plain ASCII text',
  ])('leaves real text alone: %j', (text) => {
    expect(repairMojibake(text)).toBe(text);
  });

  it('undoes one double decoding of any text in scripts, punctuation and emoji', () => {
    // Three-byte characters other than punctuation and symbols (CJK…) are left as they are.
    const repairable = (char: string) => {
      const code = char.codePointAt(0)!;
      return code < 0x80 || (code >= 0x100 && code < 0x800) || (code >= 0x2000 && code < 0x3000) || code >= 0x10000;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        const clean = [...text].filter(repairable).join('');
        expect(repairMojibake(doubleDecode(clean))).toBe(clean);
      }),
      { numRuns: 300 },
    );
  });
});
