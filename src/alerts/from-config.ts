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

/** The notifier for the config's `alerts`, or undefined when it has none. */
export function alertNotifierFor(
  config: { alerts?: AlertsConfig | undefined; http?: HttpConfig | undefined; feeds: { url: string }[] },
  deps: { channels: ChannelRuntime[]; store: AlertSources & CredentialExpiries; logger: Logger },
): AlertNotifier | undefined {
  const { alerts } = config;
  if (!alerts) return undefined;
  const link = alertLink(config.http, config.feeds.map((f) => f.url));
  const targets = alerts.to.map((id) => deps.channels.find((c) => c.id === id)).filter((c): c is ChannelRuntime => c !== undefined);
  return new AlertNotifier({
    store: deps.store,
    credentials: deps.store,
    channels: targets.map((c) => alertChannel(c, link)),
    feedFailures: alerts.feedFailures,
    batchMs: alerts.batchSeconds * 1000,
    minIntervalMs: alerts.minIntervalSeconds * 1000,
    logger: deps.logger.child({ component: 'alerts' }),
  });
}
