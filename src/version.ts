// A JSON import, not a read relative to this file: the build copies package.json beside the
// compiled code, so the same line works from the sources and from dist/.
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** Sent with every request Herald makes to a platform (feeds use the config's `userAgent` if set). */
export const HERALD_USER_AGENT = `Herald/${VERSION} (news feed poster; Node.js)`;
