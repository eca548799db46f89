type Granularity = 'grapheme' | 'word' | 'sentence';

const made: Partial<Record<Granularity, Intl.Segmenter>> = {};

/**
 * The one Intl.Segmenter of each granularity, made on first use: the first made in a process
 * costs about 30 ms (ICU loads its break rules), which a command that renders nothing, such as
 * a `once` that finds every feed unchanged, need not pay. Graphemes and words are the same in
 * every locale; sentences are cut by English rules, the outlets' language for abbreviations.
 */
export function segmenter(granularity: Granularity): Intl.Segmenter {
  return (made[granularity] ??= new Intl.Segmenter('en', { granularity }));
}
