import fs from 'node:fs';
import path from 'node:path';
import { isCollection, LineCounter, parseDocument, visit, type Node } from 'yaml';
import dotenv from 'dotenv';
import type { z } from 'zod';
import { ConfigError, UserError, type ConfigProblem } from '../errors.ts';
import { learnSecrets } from '../redact.ts';
import { substituteEnv } from './env.ts';
import { postgresPassword } from '../store/postgres/url.ts';
import { locate, pathById } from './locate.ts';
import { quickYaml } from './quick-yaml.ts';
import { isPostgresUrl } from './store-url.ts';
import type { ConfigSchema, HeraldConfig } from './schema.ts';

export interface LoadedConfig {
  file: string;
  /** Folder of the config file: relative feed paths and the store resolve against it. */
  dir: string;
  config: HeraldConfig;
  /** Every value that is or may be a secret (see `substituteEnv`), for redaction. */
  secrets: string[];
}

/** `--config`, else `$HERALD_CONFIG`, else `./herald.yaml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return path.resolve(flag ?? env.HERALD_CONFIG ?? 'herald.yaml');
}

export interface LoadOptions {
  /**
   * For commands that touch no channel's account (status, history, the operator's
   * actions): a channel whose `auth` names an unset variable loads without its `auth`,
   * given a schema built with `authOptional`.
   */
  authOptional?: boolean;
}

export function loadConfig(file: string, schema: ConfigSchema, env: NodeJS.ProcessEnv = process.env, { authOptional = false }: LoadOptions = {}): LoadedConfig {
  const source = readSource(file);
  const quick = quickYaml(source);
  if (quick !== undefined && quick !== null) {
    const read = interpret(quick, file, schema, env, authOptional);
    if ('loaded' in read) return read.loaded;
  }

  // yaml's Document: what quickYaml declines, and a line and column for every problem.
  // logLevel 'error': yaml would print a warning quoting the file (secrets and all) for a mapping used as a key.
  const lineCounter = new LineCounter();
  // merge: `<<: *defaults`, how operators share the keys of repeated channels.
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true, logLevel: 'error', lineCounter, merge: true });
  const syntaxProblems = doc.errors.map((e) => ({
    path: '',
    message: `YAML syntax error at line ${e.linePos?.[0]?.line ?? '?'}, column ${e.linePos?.[0]?.col ?? '?'}: ${withoutSource(e.message)}`,
  }));
  const problemAt = (node: Node, message: string) => {
    const at = lineCounter.linePos(node.range?.[0] ?? 0);
    syntaxProblems.push({ path: '', message: `YAML syntax error at line ${at.line}, column ${at.col}: ${message}` });
  };
  // Both would otherwise surface later quoting the source: an unknown alias when read, a mapping key as an "unknown key".
  visit(doc, {
    Alias(_, alias) {
      if (!alias.resolve(doc)) {
        problemAt(alias, 'a value starting with "*" refers to an anchor (&name) that does not exist; if it is meant as text, put it in quotes');
      }
    },
    Pair(_, pair) {
      if (isCollection(pair.key)) problemAt(pair.key, 'a key cannot be a mapping or a list: check the braces and brackets');
    },
  });
  if (syntaxProblems.length > 0) throw new ConfigError(file, syntaxProblems);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const message =
      err instanceof ReferenceError
        ? `YAML: aliases (*name) expand to too much (${err.message.replace(/:.*$/, '')}); write the repeated values out, or use fewer nested aliases`
        : /merge/i.test(err.message)
          ? `YAML: ${withoutSource(err.message)}: a "<<" key takes an alias of a mapping, as in <<: *defaults`
          : `YAML: ${withoutSource(err.message)}`;
    throw new ConfigError(file, [{ path: '', message }]);
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [{ path: '', message: 'the config file is empty: it needs `feeds` and `channels` (see config/herald.example.yaml)' }]);
  }
  const read = interpret(raw, file, schema, env, authOptional);
  if ('loaded' in read) return read.loaded;
  const located = read.problems.map((p) => {
    const at = p.path === '' ? [] : p.path.split('.');
    const position = locate(doc, lineCounter, at);
    const byId = pathById(read.substituted, at);
    return { ...p, ...(position ? { line: position.line, col: position.col } : {}), ...(byId ? { pathById: byId } : {}) };
  });
  throw new ConfigError(file, located.sort(inFileOrder));
}

function readSource(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      {
        path: '',
        message:
          code === 'ENOENT'
            ? 'config file not found: pass --config FILE, set HERALD_CONFIG, or copy config/herald.example.yaml to ./herald.yaml'
            : `cannot read the config file (${code ?? String(err)})`,
      },
    ]);
  }
}

/** The file's values with the variables substituted, validated: the config, or its problems (without their place in the file). */
function interpret(
  raw: unknown,
  file: string,
  schema: ConfigSchema,
  env: NodeJS.ProcessEnv,
  authOptional: boolean,
): { loaded: LoadedConfig } | { problems: ConfigProblem[]; substituted: unknown } {
  const dir = path.dirname(file);
  const dotenvFile = path.join(dir, '.env');
  const substituted = substituteEnv(raw, { ...readDotenv(dotenvFile), ...env });
  learnSecrets(substituted.secrets);

  const unsetAuth = authOptional ? channelsWithUnsetAuth(substituted.problems) : new Set<number>();
  const envProblems = substituted.problems.filter((p) => !unsetAuth.has(authOwner(p.path) ?? -1));
  const parsed = schema.safeParse(withoutAuthOf(unsetAuth, withoutExtensionKeys(substituted.value)));
  const problems: ConfigProblem[] = [...envProblems];
  if (!parsed.success) {
    // A missing variable already explains whatever the schema says of that value.
    const unset = new Set(envProblems.map((p) => p.path));
    problems.push(...parsed.error.issues.map(toProblem).filter((p) => !unset.has(p.path)));
  }
  if (problems.length > 0 || !parsed.success) return { problems, substituted: substituted.value };

  const config = parsed.data;
  // What the channel's adapter would be given, were it started: nothing.
  for (const index of unsetAuth) Object.assign(config.channels[index]!, { auth: {} });
  if (config.store !== ':memory:' && !isPostgresUrl(config.store)) config.store = path.resolve(dir, config.store);
  // The store URL's password is a secret like everything under `auth`.
  const storePassword = postgresPassword(config.store);
  if (storePassword) learnSecrets([storePassword]);
  return { loaded: { file, dir, config, secrets: storePassword ? [...substituted.secrets, storePassword] : substituted.secrets } };
}

/** The index of the channel whose `auth` holds `path` (`channels.3.auth.token` → 3). */
function authOwner(path: string): number | undefined {
  const match = /^channels\.(\d+)\.auth(\.|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

function channelsWithUnsetAuth(envProblems: ConfigProblem[]): Set<number> {
  return new Set(envProblems.map((p) => authOwner(p.path)).filter((i) => i !== undefined));
}

function withoutAuthOf(channels: Set<number>, config: unknown): unknown {
  if (channels.size === 0) return config;
  const { channels: list, ...rest } = config as { channels: Record<string, unknown>[] };
  return { ...rest, channels: list.map((channel, i) => (channels.has(i) ? { ...channel, auth: undefined } : channel)) };
}

/**
 * Aliases a config may expand before it counts as an alias bomb ("billion laughs"): far
 * more than shared defaults need, far less than exhausts memory.
 */
const MAX_ALIAS_COUNT = 1000;

/**
 * Top-level keys starting with `x-` are the operator's own (as in Compose files): a place
 * for anchors that channels and feeds merge in (`x-defaults: &defaults …`, `<<: *defaults`).
 */
function withoutExtensionKeys(config: unknown): unknown {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return config;
  return Object.fromEntries(Object.entries(config).filter(([key]) => !key.startsWith('x-')));
}

/** The .env beside the config, if there is one; one that cannot be read is the user's to fix. */
function readDotenv(file: string): Record<string, string> {
  try {
    return dotenv.parse(fs.readFileSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    const why = code === 'EISDIR' ? 'it is a directory, not a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(err));
    throw new UserError(`cannot read ${file}: ${why}`, `Herald reads variables from a .env file beside the config: make it a readable file, or remove it`);
  }
}

/**
 * The first line of a yaml error message, without its location (reported separately) and
 * without the source text some messages quote (`…in YAML stream: "<token>"`): a config
 * file may hold secrets.
 */
function withoutSource(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:$/, '')
    .replace(/:\s.*$/, '')
    .replace(/^(Invalid escape sequence) .*$/, '$1');
}

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    // Under `auth` a "key" may be a secret written without its name (`auth: { 123:AAE… }`).
    if (at.includes('auth')) {
      return { path: at.join('.'), message: 'unknown key (its name is not shown: anything under auth may be a secret; check the names against config/herald.example.yaml)' };
    }
    return issue.keys.length === 1
      ? { path: [...at, issue.keys[0]].join('.'), message: 'unknown key (check the spelling; see config/herald.example.yaml)' }
      : { path: at.join('.'), message: `unknown keys ${issue.keys.join(', ')} (check the spelling)` };
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return { path: at.join('.'), message: `required: ${issue.expected} missing` };
  }
  return { path: at.join('.'), message: issue.message };
}

/** By position in the file; problems of the file as a whole first, then the dotted path. */
function inFileOrder(a: ConfigProblem, b: ConfigProblem): number {
  const line = (p: ConfigProblem) => (p.line === undefined ? -1 : p.line);
  return line(a) - line(b) || (a.col ?? 0) - (b.col ?? 0) || comparePaths(a.path, b.path);
}

function comparePaths(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
