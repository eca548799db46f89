import type { Logger, Level } from 'pino';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { CredentialVault } from '../auth/channel-credentials.ts';
import { secretKeyFromEnv } from '../auth/secret-key.ts';
import { loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load.ts';
import { buildConfigSchema } from '../config/schema.ts';
import { channelRuntimes, type ChannelRuntime } from '../delivery/channels.ts';
import { createLogger } from '../log.ts';
import { makeRedactor, type Redactor } from '../redact.ts';
import { openStore as openConfiguredStore, type StoreOptions } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { HERALD_USER_AGENT } from '../version.ts';

export interface GlobalOptions {
  config?: string;
  logLevel?: string;
}

export const configSchema = buildConfigSchema(Object.values(adapters), unsupportedPlatforms);
let authOptionalSchema: typeof configSchema | undefined;

export interface App {
  loaded: LoadedConfig;
  logger: Logger;
  redact: Redactor;
  userAgent: string;
  channels: ChannelRuntime[];
  /** Stored tokens, sealed with HERALD_SECRET_KEY; usable once the store is open. */
  vault: CredentialVault;
}

/** `offline`: the command touches no channel's account, so it needs no channel's `auth` variables either. */
export function loadApp(opts: GlobalOptions, { offline = false } = {}): App {
  const file = resolveConfigPath(opts.config, process.env);
  const loaded = offline
    ? loadConfig(file, (authOptionalSchema ??= buildConfigSchema(Object.values(adapters), unsupportedPlatforms, { authOptional: true })), process.env, { authOptional: true })
    : loadConfig(file, configSchema);
  const redact = makeRedactor([...loaded.secrets, ...storeSecrets(loaded.config.store)]);
  const logger = createLogger(redact, (opts.logLevel ?? process.env.HERALD_LOG_LEVEL ?? 'info') as Level);
  const userAgent = loaded.config.userAgent ?? HERALD_USER_AGENT;
  const vault = new CredentialVault(secretKeyFromEnv(process.env));
  return { loaded, logger, redact, userAgent, vault, channels: channelRuntimes(loaded.config.channels, adapters, logger, offline, vault) };
}

/** The store the config names; read-only commands pass `mustExist` so a mistyped path creates nothing. */
export async function openStore(app: App, opts: StoreOptions = {}): Promise<Store> {
  const store = await openConfiguredStore(app.loaded.config.store, opts);
  app.vault.store = store;
  return store;
}

/** A store URL's password is a secret like everything under `auth`. */
function storeSecrets(location: string): string[] {
  try {
    const password = decodeURIComponent(new URL(location).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}
