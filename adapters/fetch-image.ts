/**
 * Downloads an article image for an adapter to upload, refusing anything that is not an
 * image, too large, or — judged by its decoded size — a tracking pixel or an icon.
 */
import { platformFetch } from './platform-fetch.ts';

export interface DownloadedImage {
  data: Buffer;
  /** The media type the server gave, without parameters: `image/jpeg`. */
  contentType: string;
}

/** A picture smaller than this on either side is a pixel, an emoji or an icon, whatever its URL says. */
const MIN_SIDE = 100;

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** The image at `url`; throws an Error saying what was wrong (status, type, size). */
export async function fetchImage(url: string, opts: { maxBytes: number; signal: AbortSignal }): Promise<DownloadedImage> {
  const res = await platformFetch(url, { signal: opts.signal, redirect: 'follow' });
  const body = res.body;
  const contentType = (res.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const tooLarge = new Error(`image ${url} is larger than ${megabytes(opts.maxBytes)}`);
  if (!res.ok || !body) {
    await body?.cancel();
    throw new Error(`image ${url} answered HTTP ${res.status}`);
  }
  if (!contentType.startsWith('image/')) {
    await body.cancel();
    throw new Error(`image ${url} is ${contentType ? `"${contentType}"` : 'of no stated type'}, not an image`);
  }
  if (Number(res.headers.get('content-length')) > opts.maxBytes) {
    await body.cancel();
    throw tooLarge;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > opts.maxBytes) {
      await reader.cancel();
      throw tooLarge;
    }
    chunks.push(value);
  }
  const data = Buffer.concat(chunks);
  await assertArticleSized(url, data);
  return { data, contentType };
}

async function assertArticleSized(url: string, data: Buffer): Promise<void> {
  const { default: sharp } = await import('sharp');
  let size: { width?: number; height?: number };
  try {
    size = await sharp(data).metadata();
  } catch {
    throw new Error(`image ${url} cannot be decoded as an image`);
  }
  const { width = 0, height = 0 } = size;
  if (width < MIN_SIDE || height < MIN_SIDE) {
    throw new Error(`image ${url} is ${width}×${height} pixels: a tracking pixel or an icon, not the article's picture`);
  }
}
