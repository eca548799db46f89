/**
 * What an answer means for an edit, from what it would mean for a send: the adapters keep
 * one reading of each platform's errors. Setting a post to a text twice does no harm, so a
 * request that may or may not have arrived is simply retried.
 */
import type { EditResult, SendResult } from '../src/platform.ts';

export function editResultOf(result: SendResult): EditResult {
  switch (result.kind) {
    case 'sent':
    case 'already-posted':
      return { kind: 'edited', ...(result.url !== undefined && { url: result.url }) };
    case 'in-doubt':
      return { kind: 'retry', reason: result.reason };
    default:
      return result;
  }
}
