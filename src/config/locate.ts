/**
 * Where a problem is in the config file: its line and column, and its path with feeds and
 * channels named by id (`channels[x-main].auth.appKey`), which survives reordering where
 * `channels.3.auth.appKey` does not.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Location {
  line: number;
  col: number;
}

/** The key (or item) that `path` names, else the nearest part of it that exists in the file. */
export function locate(doc: Document, lineCounter: LineCounter, path: (string | number)[]): Location | undefined {
  let node: unknown = doc.contents;
  let at: Node | undefined = isNode(node) ? node : undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      at = isNode(pair.key) ? pair.key : at;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!isNode(item)) break;
      at = item;
      node = item;
    } else {
      break;
    }
  }
  if (!at?.range) return undefined;
  const { line, col } = lineCounter.linePos(at.range[0]);
  return { line, col };
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}

/** `channels.0.auth.appKey` → `channels[x-main].auth.appKey` when the entry has an id; else undefined. */
export function pathById(config: unknown, path: (string | number)[]): string | undefined {
  const [list, index, ...rest] = path;
  if ((list !== 'feeds' && list !== 'channels') || index === undefined) return undefined;
  const entries = (config as Record<string, unknown> | null)?.[list];
  const id = Array.isArray(entries) ? (entries[Number(index)] as { id?: unknown } | undefined)?.id : undefined;
  if (typeof id !== 'string' || id === '') return undefined;
  return [`${list}[${id}]`, ...rest].join('.');
}
