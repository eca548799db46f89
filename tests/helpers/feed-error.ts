import { expect } from 'vitest';
import { FeedError } from '../../src/errors.ts';

/** The FeedError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function feedError(promise: Promise<unknown>): Promise<FeedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FeedError);
  return err as FeedError;
}
