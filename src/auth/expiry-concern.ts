import { LONG_LIVED_KIND, renewsItself } from './oauth-tokens.ts';

/** How long before a credential's end `status` and the alerts speak of it. */
export const CREDENTIAL_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

/** What of a stored credential is known without opening it. */
export interface CredentialExpiry {
  channelId: string;
  kind: string;
  expiresAt: number;
  refreshedAt?: number;
}

/**
 * Why the credential needs `herald auth` before it runs out, when it ends within the warning
 * window and will not be renewed in time; undefined for one that renews itself as it should.
 */
export function expiryConcern(c: Omit<CredentialExpiry, 'channelId'>, now: number): string | undefined {
  const left = c.expiresAt - now;
  if (left >= CREDENTIAL_WARNING_MS) return undefined;
  if (!renewsItself(c.kind)) return 'cannot renew itself';
  // A long-lived Meta token renews when it is next used past half its life; close to its end, it was not.
  if (c.kind === LONG_LIVED_KIND && c.refreshedAt !== undefined && left < (c.expiresAt - c.refreshedAt) / 2) {
    return 'has not been renewed (the channel has not posted since it was due)';
  }
  return undefined;
}
