import type { AlertBatch, AlertRecord } from './alert-store.ts';
import type { AlertKind } from './conditions.ts';

/** Lines listed per kind; the rest are counted. */
export const MAX_LINES_PER_KIND = 10;

const KIND_ORDER: AlertKind[] = ['channel-paused', 'feed-failing', 'delivery-failed', 'delivery-in-doubt', 'flood-held', 'credential-expiring'];

const HEADINGS: Record<AlertKind, (n: number) => string> = {
  'channel-paused': (n) => `${n === 1 ? 'A channel is' : `${n} channels are`} paused: the platform refused the credentials`,
  'feed-failing': (n) => `${n === 1 ? 'A feed fails' : `${n} feeds fail`} to poll`,
  'delivery-failed': (n) => `${n === 1 ? 'A delivery' : `${n} deliveries`} failed`,
  'delivery-in-doubt': (n) => `${n === 1 ? 'A send is' : `${n} sends are`} in doubt: the platform may or may not have posted`,
  'flood-held': (n) => `The flood guard holds new items of ${n === 1 ? 'a feed' : `${n} feeds`}`,
  'credential-expiring': (n) => `${n === 1 ? 'A credential expires' : `${n} credentials expire`} within 7 days`,
};

/** The command or page that fixes each kind, for the subjects listed. */
const FIXES: Record<AlertKind, (subjects: string[]) => string> = {
  'channel-paused': (s) => `Fix: renew the credentials in the config (or \`herald auth ${s[0]}\`), then \`herald resume ${s[0]}\` or Resume on the console's Overview.`,
  'feed-failing': () => 'Fix: check the feed URL and the site; `herald status` and the console\'s Overview show each error. Herald keeps polling.',
  'delivery-failed': (s) => `Fix: \`herald retry ${s[0]!.slice(1)}\` (or \`herald retry --failed\`) to send again, \`herald skip ${s[0]!.slice(1)}\` to drop; or the console's Queue.`,
  'delivery-in-doubt': (s) => `Fix: look on the platform; if the post is there \`herald skip ${s[0]!.slice(1)}\`, if not \`herald retry ${s[0]!.slice(1)}\`; or the console's Queue.`,
  'flood-held': (s) => `Fix: \`herald release ${s[0]}\` to post them, or \`herald skip --held\` to drop them; or Release on the console's Overview.`,
  'credential-expiring': (s) => `Fix: \`herald auth ${s[0]}\` renews it.`,
};

const RESOLVED: Record<AlertKind, string> = {
  'channel-paused': 'sends again',
  'feed-failing': 'polls again',
  'delivery-failed': 'no longer failed',
  'delivery-in-doubt': 'no longer in doubt',
  'flood-held': 'holds nothing any more',
  'credential-expiring': 'credential renewed',
};

function at(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function byKind(alerts: AlertRecord[]): [AlertKind, AlertRecord[]][] {
  return KIND_ORDER.map((kind) => [kind, alerts.filter((a) => a.kind === kind).sort((x, y) => x.raisedAt - y.raisedAt)] as [AlertKind, AlertRecord[]]).filter(([, list]) => list.length > 0);
}

function listed<T>(items: T[], line: (item: T) => string): string[] {
  const shown = items.slice(0, MAX_LINES_PER_KIND).map(line);
  if (items.length > MAX_LINES_PER_KIND) shown.push(`…and ${items.length - MAX_LINES_PER_KIND} more (see \`herald status\`)`);
  return shown;
}

/** One message for a whole batch: what broke, since when, and what fixes it; then what was resolved. */
export function alertMessage(batch: Pick<AlertBatch, 'raised' | 'resolved'>): { title: string; body: string } {
  const problems = batch.raised.length;
  const resolved = batch.resolved.length;
  const title =
    problems === 0
      ? `Herald: resolved (${resolved})`
      : `Herald: ${problems} problem${problems === 1 ? '' : 's'}${resolved ? `, ${resolved} resolved` : ''}`;
  const sections: string[] = [];
  for (const [kind, alerts] of byKind(batch.raised)) {
    sections.push(
      [
        `${HEADINGS[kind](alerts.length)}:`,
        ...listed(alerts, (a) => `- ${a.subject} since ${at(a.raisedAt)}${a.detail ? `: ${a.detail}` : ''}`),
        FIXES[kind](alerts.map((a) => a.subject)),
      ].join('\n'),
    );
  }
  if (resolved) {
    sections.push(['Resolved:', ...listed(byKind(batch.resolved).flatMap(([, list]) => list), (a) => `- ${a.subject} ${RESOLVED[a.kind]} (since ${at(a.resolvedAt ?? a.raisedAt)}; the problem began ${at(a.raisedAt)})`)].join('\n'));
  }
  return { title, body: sections.join('\n\n') };
}
