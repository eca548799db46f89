import type { Logger } from 'pino';
import type { AlertsConfig } from '../config/alerts-schema.ts';
import type { HttpConfig } from '../config/http-schema.ts';
import type { ChannelRuntime } from '../delivery/channels.ts';
import type { CredentialExpiries } from '../http/console-store.ts';
import { alertChannel } from './alert-channel.ts';
import { AlertNotifier, type AlertSources } from './notifier.ts';

/**
 * The link alert posts carry: the console where there is one, else the first web feed's site
 * (platforms that link every post need some link; local-file feeds fall back to localhost).
 */
export function alertLink(http: HttpConfig | undefined, feedUrls: string[]): string {
  if (http) return `http://${http.listen}/`;
  const web = feedUrls.find((u) => /^https?:\/\//i.test(u));
  return web ? `${new URL(web).origin}/` : 'http://localhost/';
}

/** The notifier for `alerts`, or undefined when the config has none. */
export function alertNotifierFor(opts: {
  alerts: AlertsConfig | undefined;
  http: HttpConfig | undefined;
  feedUrls: string[];
  channels: ChannelRuntime[];
  store: AlertSources;
  credentials?: CredentialExpiries;
  logger: Logger;
}): AlertNotifier | undefined {
  if (!opts.alerts) return undefined;
  const link = alertLink(opts.http, opts.feedUrls);
  const targets = opts.alerts.to.map((id) => opts.channels.find((c) => c.id === id)).filter((c): c is ChannelRuntime => c !== undefined);
  return new AlertNotifier({
    store: opts.store,
    ...(opts.credentials && { credentials: opts.credentials }),
    channels: targets.map((c) => alertChannel(c, link)),
    feedFailures: opts.alerts.feedFailures,
    batchMs: opts.alerts.batchSeconds * 1000,
    minIntervalMs: opts.alerts.minIntervalSeconds * 1000,
    logger: opts.logger.child({ component: 'alerts' }),
  });
}
