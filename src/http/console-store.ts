import type { Store } from '../store/store.ts';
import type { CredentialExpiry } from '../auth/expiry-concern.ts';

/** What the console, API and metrics read and change: any backend, shared by every worker on it. */
export type ConsoleStore = Pick<
  Store,
  | 'ping'
  | 'delivery'
  | 'deliveries'
  | 'attempts'
  | 'countByState'
  | 'queueDepths'
  | 'attemptCounts'
  | 'channelStates'
  | 'feedStates'
  | 'workers'
  | 'retry'
  | 'skip'
  | 'release'
  | 'resume'
  | 'approve'
  | 'reject'
>;

/** When each channel's stored credential expires (channels with static tokens have none). */
export interface CredentialExpiries {
  credentialExpiries(): Promise<CredentialExpiry[]>;
}
