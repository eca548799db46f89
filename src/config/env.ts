import type { ConfigProblem } from '../errors.ts';

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** Keys whose every value is a secret, whether written out or substituted. */
const SECRET_KEYS = new Set(['auth', 'headers']);

export interface Substituted {
  value: unknown;
  problems: ConfigProblem[];
  /**
   * For redaction: every value under an `auth` or `headers` key, every value that came
   * from a `${NAME}`, and the password of every URL with userinfo.
   */
  secrets: string[];
}

/**
 * Replaces `${NAME}` in every string of a parsed config with the variable's value
 * (`$${` stands for a literal `${`). Runs after YAML parsing, so a missing variable is
 * reported with its path among all other problems.
 */
export function substituteEnv(value: unknown, env: Record<string, string | undefined>): Substituted {
  const problems: ConfigProblem[] = [];
  const secrets: string[] = [];
  const walk = (node: unknown, path: (string | number)[], inAuth: boolean): unknown => {
    if (typeof node === 'string') {
      const out = node.replace(REFERENCE, (match, name: string | undefined) => {
        if (name === undefined) return '${';
        const found = env[name];
        if (found === undefined) {
          problems.push({
            path: path.join('.'),
            message: `environment variable ${name} is not set (set it, or add it to the .env file beside the config)`,
          });
          return '';
        }
        secrets.push(found);
        return found;
      });
      if (inAuth && out) secrets.push(out);
      secrets.push(...urlPasswords(out));
      return out;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i], inAuth));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key], inAuth || SECRET_KEYS.has(key) || isConsoleToken(path, key))]),
      );
    }
    return node;
  };
  return { value: walk(value, [], false), problems, secrets };
}

/** The password of each `scheme://user:password@` in a string, as written and decoded. */
function urlPasswords(text: string): string[] {
  return [...text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/gi)].flatMap(([, password]) => {
    let decoded = password!;
    try {
      decoded = decodeURIComponent(password!);
    } catch {
      // Not percent-encoded as a URL would be: the text as written is what may appear.
    }
    return [password!, decoded];
  });
}

/** `http.token` is a secret like everything under `auth`. */
function isConsoleToken(path: (string | number)[], key: string): boolean {
  return path.length === 1 && path[0] === 'http' && key === 'token';
}
