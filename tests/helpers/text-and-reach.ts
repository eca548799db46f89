import fc from 'fast-check';

/** A text made of up to `maxPieces` pieces, and a reach into it (1 to its length; 0 for no text): where shorten looks for a cut. */
export function textAndReach(piece: fc.Arbitrary<string>, maxPieces: number): fc.Arbitrary<{ text: string; reach: number }> {
  return fc
    .tuple(fc.array(piece, { maxLength: maxPieces }).map((pieces) => pieces.join('')), fc.nat())
    .map(([text, n]) => ({ text, reach: text.length === 0 ? 0 : 1 + (n % text.length) }));
}
