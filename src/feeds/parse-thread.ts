/**
 * The parse thread (see parse-pool.ts): fetched bytes in, the feed's listing out (see list.ts),
 * or the FeedError saying why it is none.
 */
// First: starting this thread set V8's flags back to the command line's (see heap-policy.ts).
import '../heap-policy.ts';
import { parentPort } from 'node:worker_threads';
import { FeedError } from '../errors.ts';
import { decodeFetched } from './decode.ts';
import { listingToSend } from './list.ts';
import { parseRawFeed } from './parse.ts';
import type { ParseAnswer, ParseJob } from './parse-pool.ts';

parentPort!.on('message', (job: ParseJob) => {
  void parse(job).then((answer) => parentPort!.postMessage(answer));
});

async function parse(job: ParseJob): Promise<ParseAnswer> {
  try {
    const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    const fetched = { bytes, url: job.url, ...(job.contentType !== undefined && { contentType: job.contentType }) };
    const feed = { id: job.feed.id, url: job.url };
    return { id: job.id, listing: listingToSend(await parseRawFeed(decodeFetched(fetched, job.feed), feed), feed) };
  } catch (err) {
    return { id: job.id, failure: failureOf(err) };
  }
}

function failureOf(err: unknown): ParseAnswer['failure'] {
  if (err instanceof FeedError) return { detail: err.detail, ...(err.hint !== undefined && { hint: err.hint }) };
  return { bug: err instanceof Error ? err.message : String(err) };
}
