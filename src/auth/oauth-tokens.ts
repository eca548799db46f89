import { createHash } from 'node:crypto';
import type { ChannelCredentials, Credential, NewCredential } from './channel-credentials.ts';

/** What a platform's token endpoint answered. */
export interface TokenGrant {
  accessToken: string;
  /** Absent when the platform keeps the refresh token it was given. */
  refreshToken?: string;
  expiresInSeconds?: number;
  account?: string;
  /** What the stored credential is when it is not an OAuth 2.0 pair: LONG_LIVED_KIND or NON_EXPIRING_KIND. */
  kind?: string;
}

/** The platform refused to renew the tokens (revoked, expired, already used): only `herald auth` helps. */
export class RenewalRefusedError extends Error {}

export interface OAuthTokenOptions {
  /** A refresh token from the config, used when nothing is stored yet (or a different seed was stored). */
  seedRefreshToken?: string;
  /**
   * Spends the stored token named by `renewWith` at the platform's token endpoint. Throws
   * RenewalRefusedError for a refusal.
   */
  refresh(token: string): Promise<TokenGrant>;
  /** What a renewal spends: the refresh token (OAuth 2.0, the default) or the access token itself (Meta's long-lived tokens). */
  renewWith?: 'refreshToken' | 'accessToken';
  /** Renew this long before the access token expires, at most `renewAheadShare` (default a tenth) of the token's life. */
  renewAheadMs: number;
  renewAheadShare?: number;
  now?: () => number;
}

export const OAUTH2_KIND = 'oauth2';
/** An OAuth 2.0 access token without a refresh token: it cannot renew itself. */
export const ACCESS_ONLY_KIND = 'oauth2-access-only';
/** A long-lived access token that is spent for its successor (Threads, Instagram): no refresh token. */
export const LONG_LIVED_KIND = 'long-lived';
/** A token that does not expire (a Facebook Page token from a long-lived user token): renewed only by `herald auth`. */
export const NON_EXPIRING_KIND = 'non-expiring';

/** Whether a stored credential of this kind renews itself before it expires. */
export function renewsItself(kind: string): boolean {
  return kind !== ACCESS_ONLY_KIND && kind !== NON_EXPIRING_KIND;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** The stored credential a grant becomes: a rotated refresh token replaces the old one. */
export function grantCredential(grant: TokenGrant, previous: Pick<Credential, 'tokens' | 'account'> | undefined, now: number): NewCredential {
  const refreshToken = grant.refreshToken ?? previous?.tokens.refreshToken;
  const account = grant.account ?? previous?.account;
  return {
    kind: grant.kind ?? (refreshToken === undefined ? ACCESS_ONLY_KIND : OAUTH2_KIND),
    tokens: { ...previous?.tokens, accessToken: grant.accessToken, ...(refreshToken !== undefined && { refreshToken }) },
    ...(account !== undefined && { account }),
    ...(grant.expiresInSeconds !== undefined && { expiresAt: now + grant.expiresInSeconds * 1000 }),
    refreshedAt: now,
  };
}

/** An access token that stays valid: renewed ahead of its expiry and, once, after a refusal. */
export class OAuthTokens {
  private readonly now: () => number;

  constructor(
    private readonly credentials: ChannelCredentials,
    private readonly opts: OAuthTokenOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** A usable access token, and the stored version it belongs to (for `refused`). */
  async accessToken(): Promise<{ token: string; version: number }> {
    const current = await this.stored();
    const fresh = current.tokens.accessToken && (current.expiresAt === undefined || current.expiresAt - this.renewAhead(current) > this.now());
    const usable = fresh ? current : await this.renewed(current.version);
    return { token: usable.tokens.accessToken!, version: usable.version };
  }

  /** The platform refused the token of `version`: a renewed one (renewed now unless another worker already did). */
  async refused(version: number): Promise<{ token: string; version: number }> {
    const renewed = await this.renewed(version);
    return { token: renewed.tokens.accessToken!, version: renewed.version };
  }

  private renewAhead(c: Credential): number {
    const lifetime = c.expiresAt !== undefined && c.refreshedAt !== undefined ? c.expiresAt - c.refreshedAt : Infinity;
    return Math.min(this.opts.renewAheadMs, lifetime * (this.opts.renewAheadShare ?? 1 / 10));
  }

  private async renewed(version: number): Promise<Credential> {
    return this.credentials.renew(version, async (current) => {
      const spent = this.opts.renewWith === 'accessToken' ? current.tokens.accessToken : current.tokens.refreshToken;
      if (!spent) throw new RenewalRefusedError(this.opts.renewWith === 'accessToken' ? 'no token is stored' : 'no refresh token is stored (the app was authorized without offline access)');
      return grantCredential(await this.opts.refresh(spent), current, this.now());
    });
  }

  /** The stored credential, seeded from the config's refresh token when that is new. */
  private async stored(): Promise<Credential> {
    await this.credentials.checkKey();
    const current = await this.credentials.read();
    const seed = this.opts.seedRefreshToken;
    const seededWith = seed === undefined ? undefined : digest(seed);
    if (seed === undefined || (current && (current.tokens.seed === undefined || current.tokens.seed === seededWith))) {
      if (current) return current;
      throw new RenewalRefusedError('no token is stored for it yet');
    }
    const next: NewCredential = { kind: OAUTH2_KIND, tokens: { refreshToken: seed, seed: seededWith! }, expiresAt: 0 };
    return (await this.credentials.write(next, current?.version ?? 0)) ?? (await this.stored());
  }
}
