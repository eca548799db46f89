/** One channel's stored credential: the tokens sealed in `data`, the rest readable for status. */
export interface CredentialRow {
  channelId: string;
  /** What the tokens are: `oauth2` (access + refresh token), `long-lived` (Meta), `bluesky-session`. */
  kind: string;
  /** The sealed tokens (see cipher.ts); never plaintext. */
  data: string;
  /** Goes up by one on every write: a writer names the version it read, so two never both win. */
  version: number;
  /** Who the tokens post as (a handle or name), for status. */
  account?: string;
  expiresAt?: number;
  refreshedAt?: number;
  updatedAt: number;
}

export type NewCredentialRow = Omit<CredentialRow, 'version'>;

/** What the credential keeper needs from the store (SQLite or PostgreSQL). */
export interface CredentialStore {
  credential(channelId: string): Promise<CredentialRow | undefined>;
  credentials(): Promise<CredentialRow[]>;
  /**
   * Writes the row if the stored version is still `expectedVersion` (0: no row yet), as
   * version + 1, and ends any refresh claim on it. False when another write came first.
   */
  putCredential(row: NewCredentialRow, expectedVersion: number): Promise<boolean>;
  /**
   * Makes `workerId` the channel's only refresher until `until`, if the stored version is
   * still `version` and no other worker's claim is running. False otherwise.
   */
  claimRefresh(channelId: string, version: number, workerId: string, now: number, until: number): Promise<boolean>;
  /** Ends `workerId`'s refresh claim without writing (the refresh failed). */
  releaseRefresh(channelId: string, workerId: string): Promise<void>;
}
