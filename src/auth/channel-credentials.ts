import { randomUUID } from 'node:crypto';
import { UserError } from '../errors.ts';
import { open, seal, WrongKeyError } from './cipher.ts';
import type { CredentialRow, CredentialStore } from './credential-store.ts';
import type { SecretKeySource } from './secret-key.ts';

/** A credential as the adapters use it: the tokens opened, the rest as stored. */
export interface Credential {
  kind: string;
  tokens: Record<string, string>;
  account?: string;
  expiresAt?: number;
  refreshedAt?: number;
  /** The stored version this was read as (0: not stored). */
  version: number;
}

export type NewCredential = Omit<Credential, 'version'>;

/** How long one worker may take to renew a credential before another may try. */
const REFRESH_CLAIM_MS = 60_000;
const WAIT_STEP_MS = 100;

/** The store and key every channel's credentials go through; the store is attached once it is open. */
export class CredentialVault {
  store?: CredentialStore;
  /** Names this process as a refresher in the store. */
  readonly workerId = `refresher-${randomUUID()}`;

  constructor(
    readonly key: SecretKeySource,
    readonly now: () => number = Date.now,
  ) {}

  channel(channelId: string): ChannelCredentials {
    return new ChannelCredentials(this, channelId);
  }
}

/** One channel's stored credential: read, written and renewed, sealed with the vault's key. */
export class ChannelCredentials {
  constructor(
    private readonly vault: CredentialVault,
    readonly channelId: string,
  ) {}

  private get store(): CredentialStore {
    if (!this.vault.store) throw new Error('the credential store is not open yet');
    return this.vault.store;
  }

  /** Fails with a clear message when the key is missing, malformed, or not the one the stored credential was sealed with. */
  async checkKey(): Promise<void> {
    const key = this.vault.key();
    const row = await this.store.credential(this.channelId);
    if (row) this.opened(row, key);
  }

  async read(): Promise<Credential | undefined> {
    const row = await this.store.credential(this.channelId);
    return row && this.opened(row, this.vault.key());
  }

  /** Stores `next` if the stored version is still `expectedVersion`; undefined when another write came first. */
  async write(next: NewCredential, expectedVersion: number): Promise<Credential | undefined> {
    const now = this.vault.now();
    const data = seal(this.vault.key(), JSON.stringify(next.tokens), this.channelId);
    const row = { channelId: this.channelId, kind: next.kind, data, updatedAt: now, ...optional(next) };
    if (!(await this.store.putCredential(row, expectedVersion))) return undefined;
    return { ...next, version: expectedVersion + 1 };
  }

  /**
   * Renews the credential read as version `seen` with `obtain`, as the only worker doing
   * so: what `obtain` returns is stored before it is handed back. When another worker has
   * renewed it meanwhile (or is doing so), its result is returned instead, and `obtain` is
   * not called: a refresh token is spent once.
   */
  async renew(seen: number, obtain: (current: Credential) => Promise<NewCredential>): Promise<Credential> {
    const { workerId } = this.vault;
    for (;;) {
      const current = await this.read();
      if (!current) throw new UserError(`channel ${this.channelId} has no stored credential`, `run \`herald auth ${this.channelId}\``);
      if (current.version !== seen) return current;
      const now = this.vault.now();
      if (await this.store.claimRefresh(this.channelId, current.version, workerId, now, now + REFRESH_CLAIM_MS)) {
        let next: NewCredential;
        try {
          next = await obtain(current);
        } catch (err) {
          await this.store.releaseRefresh(this.channelId, workerId);
          throw err;
        }
        const written = await this.write(next, current.version);
        if (!written) throw new Error(`channel ${this.channelId}: the renewed credential could not be stored (another worker wrote first)`);
        return written;
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }

  private opened(row: CredentialRow, key: Buffer): Credential {
    let plaintext: string;
    try {
      plaintext = open(key, row.data, this.channelId);
    } catch (err) {
      if (!(err instanceof WrongKeyError)) throw err;
      throw new UserError(
        `the stored credential of channel ${this.channelId} cannot be opened with this HERALD_SECRET_KEY (another key sealed it)`,
        `set the key it was stored with, or run \`herald auth ${this.channelId}\` to connect the account again`,
      );
    }
    return { kind: row.kind, tokens: JSON.parse(plaintext) as Record<string, string>, version: row.version, ...optional(row) };
  }
}

function optional(c: Pick<Credential, 'account' | 'expiresAt' | 'refreshedAt'>): Pick<Credential, 'account' | 'expiresAt' | 'refreshedAt'> {
  return {
    ...(c.account !== undefined && { account: c.account }),
    ...(c.expiresAt !== undefined && { expiresAt: c.expiresAt }),
    ...(c.refreshedAt !== undefined && { refreshedAt: c.refreshedAt }),
  };
}
