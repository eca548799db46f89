import type { ConfigProblem } from '../errors.ts';

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Substituted {
  value: unknown;
  problems: ConfigProblem[];
  /** Every string that came from the environment below an `auth` key. */
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
        return found;
      });
      if (inAuth && out) secrets.push(out);
      return out;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i], inAuth));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key], inAuth || key === 'auth' || isConsoleToken(path, key))]),
      );
    }
    return node;
  };
  return { value: walk(value, [], false), problems, secrets };
}

/** `http.token` is a secret like everything under `auth`. */
function isConsoleToken(path: (string | number)[], key: string): boolean {
  return path.length === 1 && path[0] === 'http' && key === 'token';
}
