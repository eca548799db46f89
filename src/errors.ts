/**
 * A failure the user can cause and fix (config, feed, credentials). The CLI prints its
 * message and hint, never a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A failure met while working (network, files, the store) rather than a mistake in the
 * config or the flags: the CLI prints it like any UserError but exits 1, not 2.
 */
export class OperationalError extends UserError {}

export interface ConfigProblem {
  /** Dotted, with list indexes: `channels.2.platform`; '' for the file as a whole. */
  path: string;
  message: string;
  /** Where in the file, when known. */
  line?: number;
  col?: number;
  /** The path with feeds and channels named by id: `channels[x-main].auth.appKey`. */
  pathById?: string;
}

/** `path: message`, then where it is: `… — channels[x-main].auth.appKey at line 34, column 17`. */
export function formatProblem(p: ConfigProblem): string {
  const position = p.line === undefined ? undefined : `line ${p.line}, column ${p.col ?? 1}`;
  const where = [p.pathById, position].filter(Boolean).join(' at ');
  return `${p.path || '(file)'}: ${p.message}${where ? ` — ${where}` : ''}`;
}

export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map(formatProblem).join('\n'),
      'fix the lines above, then run `herald validate`',
    );
  }
}

/** One feed could not be fetched or parsed. Fails that feed's poll only. */
export class FeedError extends UserError {
  constructor(
    readonly feedId: string,
    /** The message without the feed it is of. */
    readonly detail: string,
    hint?: string,
  ) {
    super(`feed ${feedId}: ${detail}`, hint);
  }
}
