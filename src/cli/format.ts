import type { SkippedItem } from '../feeds/list.ts';
import type { RenderedPost } from '../platform.ts';

/** "weighted 187/280" for each budget of the post's layout. */
export function lengthsLine(post: RenderedPost): string {
  return post.lengths.map((l) => `${l.unit} ${l.length}/${l.limit}`).join(', ');
}

/** The post's text verbatim, framed so that leading and trailing blank lines stay visible. */
export function postBlock(post: RenderedPost): string {
  const lines = post.text.split('\n').map((line) => `  │ ${line}`);
  const extras = [post.imageUrl && post.layout !== 'text' ? `  image: ${post.imageUrl}` : undefined].filter(Boolean);
  return [`  ┌ ${post.layout} · ${lengthsLine(post)}${post.shortened ? ' · shortened to fit' : ''}`, ...lines, '  └', ...extras].join('\n');
}

export function when(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined) return '-';
  const iso = new Date(ms).toISOString().replace('.000Z', 'Z');
  const delta = Math.round((ms - now) / 1000);
  if (Math.abs(delta) < 1) return `${iso} (now)`;
  const span = Math.abs(delta) >= 3600 ? `${Math.round(Math.abs(delta) / 360) / 10} h` : Math.abs(delta) >= 60 ? `${Math.round(Math.abs(delta) / 60)} min` : `${Math.abs(delta)} s`;
  return `${iso} (${delta > 0 ? 'in ' : ''}${span}${delta < 0 ? ' ago' : ''})`;
}

/** A feed item Herald could not post: its title and link as far as it has them. */
export function describeItem(item: SkippedItem): string {
  return [item.title ? JSON.stringify(item.title) : '(no title)', item.link ? `<${item.link}>` : undefined].filter(Boolean).join(' ');
}
