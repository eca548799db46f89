/** Where the og:image of an article page is remembered, so a page is fetched at most once per article. */

export interface PageImageCache {
  /** The image URL found, null when the page had none (or could not be fetched), undefined when never fetched. */
  get(linkKey: string): Promise<string | null | undefined>;
  put(linkKey: string, imageUrl: string | null, now: number): Promise<void>;
}

/** A PageImageCache in memory, for tests and previews (the store keeps the real one in `page_images`). */
export class MemoryPageImageCache implements PageImageCache {
  readonly entries = new Map<string, { imageUrl: string | null; fetchedAt: number }>();

  async get(linkKey: string): Promise<string | null | undefined> {
    return this.entries.get(linkKey)?.imageUrl;
  }

  async put(linkKey: string, imageUrl: string | null, now: number): Promise<void> {
    this.entries.set(linkKey, { imageUrl, fetchedAt: now });
  }
}
