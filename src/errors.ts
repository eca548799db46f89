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

export interface ConfigProblem {
  /** Dotted, with list indexes: `channels.2.platform`; '' for the file as a whole. */
  path: string;
  message: string;
}

export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `${p.path || '(file)'}: ${p.message}`).join('\n'),
      'fix the lines above, then run `herald validate`',
    );
  }
}

/** One feed could not be fetched or parsed. Fails that feed's poll only. */
export class FeedError extends UserError {
  constructor(
    readonly feedId: string,
    message: string,
    hint?: string,
  ) {
    super(`feed ${feedId}: ${message}`, hint);
  }
}
