/**
 * A config file's YAML read the fast way, for the common case of a file that loads and validates
 * as it is: js-yaml reads 1,000 feeds in about a fifth of the time yaml's Document takes (issue 13).
 * It declines (undefined) whatever it might read otherwise than load.ts's yaml Document
 * (tests/config/quick-yaml.property.test.ts): a directive (`%YAML 1.1` changes the schema), a
 * document end marker or a second document, a tab, an anchor, an alias (yaml bounds their
 * expansion), a tag, a key that reads as null (yaml makes it ""), a plain number too large to be
 * finite, anything but a mapping, and any error. load.ts then reads the file with yaml, which
 * also locates every problem.
 */
import { constructFromEvents, CORE_SCHEMA, EVENT_ID, mergeTag, parseEvents, SCALAR_STYLE_PLAIN, type Event } from 'js-yaml';

const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

export function quickYaml(source: string): unknown {
  if (/\t|^\.\.\./m.test(source)) return undefined;
  let documents: unknown[];
  try {
    const events = parseEvents(source, {});
    if (!events.every((event) => isPlain(event, source))) return undefined;
    documents = constructFromEvents(events, { source, schema: SCHEMA });
  } catch {
    return undefined;
  }
  const [value] = documents;
  const mapping = documents.length === 1 && value !== null && typeof value === 'object' && !Array.isArray(value);
  return mapping && readsAlike(value) ? value : undefined;
}

function isPlain(event: Event, source: string): boolean {
  switch (event.type) {
    case EVENT_ID.DOCUMENT:
      return event.directives.length === 0 && !event.explicitEnd;
    case EVENT_ID.ALIAS:
      return false;
    case EVENT_ID.POP:
      return true;
    case EVENT_ID.SCALAR:
      if (event.style === SCALAR_STYLE_PLAIN && overflows(source.slice(event.valueStart, event.valueEnd))) return false;
  }
  return event.anchorStart === -1 && event.tagStart === -1;
}

/** A plain number too large for a double: js-yaml keeps its text, yaml reads Infinity. */
function overflows(text: string): boolean {
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return !Number.isFinite(Number.parseFloat(text));
  if (/^0x[0-9a-fA-F]+$/.test(text)) return !Number.isFinite(Number.parseInt(text.slice(2), 16));
  if (/^0o[0-7]+$/.test(text)) return !Number.isFinite(Number.parseInt(text.slice(2), 8));
  return false;
}

function readsAlike(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Array.isArray(value) && Object.hasOwn(value, 'null')) return false;
  return Object.values(value).every(readsAlike);
}
