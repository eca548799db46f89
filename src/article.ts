/** One feed item after normalization: everything a post is made from. */
export interface Article {
  /** Identity within its feed: the guid, else the normalized link. */
  id: string;
  feedId: string;
  /** Absolute link of the article itself (what followers open, before UTM tags): not a feed service's redirect. */
  link: string;
  /** The link normalized for identity: scheme, host case, utm_*, fragment, trailing slash. */
  linkKey: string;
  /** Plain text: entities decoded, tags stripped, whitespace collapsed. */
  title: string;
  /** Plain text lead: the first real paragraph; '' when there is none. */
  summary: string;
  categories: string[];
  author?: string;
  /** ISO-8601. */
  publishedAt?: string;
  /** Absolute URL of the article's image. */
  imageUrl?: string;
  /** What the image shows, for people who cannot see it (from the feed; never a credit). */
  imageAlt?: string;
}

/** What identifies, names and orders an article: enough to tell whether it is new and whether a poll posts it. */
export type ArticleIdentity = Pick<Article, 'id' | 'feedId' | 'link' | 'linkKey' | 'title' | 'publishedAt'>;
