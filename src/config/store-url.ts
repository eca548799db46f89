/** `store:` is a PostgreSQL URL or a SQLite file path (relative to the config's folder). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A URL of any other scheme: a config error, not a file name. */
export function unsupportedStoreScheme(location: string): string | undefined {
  if (isPostgresUrl(location)) return undefined;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  return scheme ? `unsupported store URL scheme "${scheme}://" (use a SQLite file path or a postgres:// URL)` : undefined;
}
