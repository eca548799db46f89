/**
 * The description of the article image for people who cannot see it, from what the feed
 * says about the picture: Media RSS `media:description`, the `<img alt>`, or the figure
 * caption without its credit ("Photo: Reuters", "(AP Photo/Jane Doe)", "© Agency").
 */
import { repairMojibake } from './mojibake.ts';

const CREDIT_TAIL = [
  // "… Photo credit: Almaty city administration", "… Foto: Rusia Today", "(Photo: Reuters)"
  /[\s.,;–—-]*[([]?\s*(?:photo(?:graph)?s?|images?|pictures?|fotos?|фото|bild|credits?|source|quelle|fuente)(?:\s+(?:credits?|courtesy(?:\s+of)?|by))?\s*(?:[:：]|\bby\b)[^()[\]]*[)\]]?\s*$/iu,
  // "(AP Photo/Mark Lennihan, File)", "(Paul E. Kostyu via AP)", "(Getty Images)"
  /\s*\((?:[^()]*\b(?:AP|AFP|Reuters|EPA|Getty|Shutterstock|Alamy|dpa|ANSA|Photo|Foto)\b[^()]*)\)\s*$/u,
  /[\s.,;–—-]*(?:©|\(c\)|copyright\b|&copy)[^]*$/iu,
];

/** A file name or a placeholder, not a description: "IMG_1234.jpg", "image", "photo". */
const NOT_A_DESCRIPTION = /^(?:[\w-]+\.(?:jpe?g|png|gif|webp|avif)|image|img|photo|picture|foto|thumbnail|featured image|untitled)$/i;
const MIN_WORDS = 2;
/** "By Jane Doe", "Photo by …": who took it, not what it shows. */
const CREDIT_LED = /^(?:[Bb]y|[Pp]hoto(?:graph)? by|[Ff]oto(?:s)? (?:von|de|di))\s+\p{Lu}/u;

export function withoutCredit(caption: string): string {
  let text = caption.trim();
  for (let changed = true; changed; ) {
    const before = text;
    for (const re of CREDIT_TAIL) text = text.replace(re, '').trim();
    changed = text !== before && text !== '';
  }
  return text;
}

export interface AltSources {
  mediaDescription?: string;
  alt?: string;
  caption?: string;
}

/** The first usable description, or undefined: never the headline again, a file name or a bare credit. */
export function imageAltOf(sources: AltSources, title: string): string | undefined {
  const headline = title.trim().toLowerCase();
  for (const raw of [sources.mediaDescription, sources.alt, sources.caption]) {
    if (raw === undefined) continue;
    const text = withoutCredit(repairMojibake(raw.replace(/\s+/g, ' ')));
    if (!text || NOT_A_DESCRIPTION.test(text) || CREDIT_LED.test(text) || text.toLowerCase() === headline) continue;
    if (text.split(' ').length < MIN_WORDS) continue;
    return text;
  }
  return undefined;
}
