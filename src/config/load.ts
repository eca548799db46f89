import fs from 'node:fs';
import path from 'node:path';
import { isCollection, LineCounter, parseDocument, visit, type Node } from 'yaml';
import dotenv from 'dotenv';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { substituteEnv } from './env.ts';
import { isPostgresUrl } from './store-url.ts';
import type { ConfigSchema, HeraldConfig } from './schema.ts';

export interface LoadedConfig {
  file: string;
  /** Folder of the config file: relative feed paths and the store resolve against it. */
  dir: string;
  config: HeraldConfig;
  /** Every value under a channel's `auth`, for redaction. */
  secrets: string[];
}

/** `--config`, else `$HERALD_CONFIG`, else `./herald.yaml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return path.resolve(flag ?? env.HERALD_CONFIG ?? 'herald.yaml');
}

export function loadConfig(file: string, schema: ConfigSchema, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
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

  // logLevel 'error': yaml would print a warning quoting the file (secrets and all) for a mapping used as a key.
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true, logLevel: 'error', lineCounter });
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

  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [{ path: '', message: 'the config file is empty: it needs `feeds` and `channels` (see config/herald.example.yaml)' }]);
  }
  const dir = path.dirname(file);
  const dotenvFile = path.join(dir, '.env');
  const fromDotenv = fs.existsSync(dotenvFile) ? dotenv.parse(fs.readFileSync(dotenvFile)) : {};
  const substituted = substituteEnv(raw, { ...fromDotenv, ...env });

  const parsed = schema.safeParse(substituted.value);
  const problems: ConfigProblem[] = [...substituted.problems];
  if (!parsed.success) {
    // A missing variable already explains whatever the schema says of that value.
    const unset = new Set(substituted.problems.map((p) => p.path));
    problems.push(...parsed.error.issues.map(toProblem).filter((p) => !unset.has(p.path)));
  }
  problems.sort((a, b) => comparePaths(a.path, b.path));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);

  const config = parsed.data;
  if (config.store !== ':memory:' && !isPostgresUrl(config.store)) config.store = path.resolve(dir, config.store);
  return { file, dir, config, secrets: substituted.secrets };
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
