import { CALLBACK_PATH, codeFrom, listenForRedirect, newState, pastedRedirect } from '../auth/authorize.ts';
import { grantCredential, NON_EXPIRING_KIND, renewsItself } from '../auth/oauth-tokens.ts';
import { rotateKey } from '../auth/rotate-key.ts';
import { secretKeyFromEnv } from '../auth/secret-key.ts';
import { UserError } from '../errors.ts';
import { loadApp, openStore, type App, type GlobalOptions } from './context.ts';
import { when } from './format.ts';

const LOOPBACK = '127.0.0.1';

/**
 * `herald auth CHANNEL [--port N] [--redirect-uri URL]`: the platform's OAuth flow. Prints
 * the URL to open, takes the redirect on a loopback port (or a redirect URL pasted on
 * stdin), checks `state`, exchanges the code, and stores the tokens sealed.
 */
export async function authCommand(channelId: string | undefined, opts: GlobalOptions & { port?: number; redirectUri?: string; rotateKey?: boolean }): Promise<number> {
  const app = loadApp(opts);
  if (opts.rotateKey) return rotateKeyCommand(app);
  if (!channelId) throw new UserError('which channel? `herald auth CHANNEL`', `one of: ${app.channels.map((c) => c.id).join(', ')}`);
  const channel = app.channels.find((c) => c.id === channelId);
  if (!channel) throw new UserError(`there is no channel "${channelId}" in the config`, `one of: ${app.channels.map((c) => c.id).join(', ')}`);
  const flow = channel.definition.oauth;
  if (!flow || !flow.uses(channel.config)) {
    throw new UserError(
      `channel ${channelId} (${channel.config.platform}) has no OAuth app to connect`,
      flow ? 'give it auth.clientId and auth.clientSecret (see `herald validate`)' : 'its tokens go in the config under auth',
    );
  }
  app.vault.key();
  const store = await openStore(app);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const registered = opts.redirectUri ?? flow.redirectUri?.(channel.config);
  const loopback = registered === undefined || isLoopback(registered);
  const listener = loopback ? await listenForRedirect(LOOPBACK, registered ? Number(new URL(registered).port) : (opts.port ?? 0)) : undefined;
  const pasted = pastedRedirect(process.stdin);
  try {
    const credentials = app.vault.channel(channelId);
    await credentials.checkKey();
    const redirectUri = registered ?? `http://${LOOPBACK}:${listener!.port}${CALLBACK_PATH}`;
    const state = newState();
    const start = await flow.start(channel.config, { redirectUri, state });
    out(`Open this address in a browser signed in to the account channel ${channelId} should post as:\n\n  ${start.url}\n`);
    out(listener ? `Waiting for the redirect to ${redirectUri} (or paste the address the browser ended on here) …` : 'After allowing the app, paste the address the browser ended on here:');
    const redirect = await Promise.race([pasted.next, ...(listener ? [listener.next] : [])]);
    const { code } = codeFrom(redirect, state);
    const grant = await flow.exchange(channel.config, { code, redirectUri, ...(start.verifier !== undefined && { verifier: start.verifier }) });
    const current = await credentials.read().catch(() => undefined);
    const written = await credentials.write(grantCredential(grant, undefined, Date.now()), current?.version ?? 0);
    if (!written) throw new UserError(`channel ${channelId}: another process changed its credential meanwhile`, 'run `herald auth` again');
    const lifetime = written.expiresAt
      ? ` (access token until ${when(written.expiresAt)}${renewsItself(written.kind) ? ', renewed automatically' : ''})`
      : written.kind === NON_EXPIRING_KIND
        ? ' (it does not expire)'
        : '';
    out(`channel ${channelId}: connected as ${grant.account}; tokens stored encrypted${lifetime}`);
    const channelState = (await store.channelStates()).find((s) => s.id === channelId);
    if (channelState?.pausedReason) out(`the channel is paused: \`herald resume ${channelId}\` sends again`);
    return 0;
  } finally {
    listener?.close();
    pasted.close();
    await store.close();
  }
}

/** `herald auth --rotate-key`: from HERALD_SECRET_KEY to HERALD_NEW_SECRET_KEY. */
async function rotateKeyCommand(app: App): Promise<number> {
  const from = app.vault.key();
  const to = secretKeyFromEnv(process.env, 'HERALD_NEW_SECRET_KEY')();
  const store = await openStore(app, { mustExist: true });
  try {
    const { rotated, already } = await rotateKey(store, from, to, Date.now());
    process.stdout.write(
      `sealed ${rotated} stored credential(s) with the new key${already ? ` (${already} had it already)` : ''}; set HERALD_SECRET_KEY to it and restart the workers\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function isLoopback(uri: string): boolean {
  const url = new URL(uri);
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost') && url.port !== '';
}
