/**
 * quickYaml (js-yaml) stands in for yaml's Document only where it reads the same: whenever it
 * gives a value, yaml reads the same text without an error and to an equal value. Shown on the
 * repo's configs, on their JSON forms, and on random texts: configs of random values written
 * in block or flow style, then cut and spliced with YAML's own syntax.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCollection, parseDocument, stringify, visit } from 'yaml';
import { quickYaml } from '../../src/config/quick-yaml.ts';

const configs = path.resolve(import.meta.dirname, '../../config');

/** yaml's reading, with load.ts's options and checks: the value, or undefined where load.ts would report a problem. */
function yamlReading(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'silent', merge: true });
  if (doc.errors.length > 0) return undefined;
  let complexKey = false;
  visit(doc, { Pair: (_, pair) => void (complexKey ||= isCollection(pair.key)) });
  if (complexKey) return undefined;
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch {
    return undefined;
  }
}

function expectSameReading(text: string): void {
  const quick = quickYaml(text);
  if (quick === undefined) return;
  expect(yamlReading(text), JSON.stringify(text)).toStrictEqual({ value: quick });
}

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('yes', 'no', 'on', 'off', 'y', '~', 'null', 'True', '0o17', '0x1F', '0b11', '012', '1_000', '.5', '+1', '1e3', '.inf', '-.NaN', '2024-01-01', '12:30', '#', 'a: b', '- x', '*a', '&a', '!x', '<<', '%x', '${X}'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 4 })),
})).node;

const edit = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 12 }),
  insert: fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('*a', '&a ', '<<: *a\n', '<<: {k: 1}\n', ': ', '- ', '{', '}', '[', ']', '? ', '!!str ', '!!binary ', '|\n', '>-\n', '\t', '"', "'", '\n  ', '#', '%YAML 1.1\n---\n', '---\n', '...\n', '\uFEFF', '\\'),
  ),
});

function edited(text: string, edits: { at: number; cut: number; insert: string }[]): string {
  return edits.reduce((t, e) => {
    const at = e.at % (t.length + 1);
    return t.slice(0, at) + e.insert + t.slice(at + e.cut);
  }, text);
}

describe('quickYaml reads what yaml reads, or declines', () => {
  it("reads the repo's configs, and their JSON forms, as yaml does", () => {
    const files = fs.readdirSync(configs).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = fs.readFileSync(path.join(configs, file), 'utf8');
      const reading = yamlReading(text);
      expect(reading, file).toBeDefined();
      if (/(^|\s)[&*][\w-]/.test(text)) continue; // anchors and aliases: declined, as below
      expect(quickYaml(text), file).toStrictEqual(reading!.value);
      expect(quickYaml(JSON.stringify(reading!.value)), file).toStrictEqual(reading!.value);
    }
  });

  it('declines anchors, aliases, tags, directives, end markers, complex keys, null keys, overflowing numbers, duplicate keys and empty files', () => {
    for (const text of ['a: &x {b: 1}\nc: *x\n', 'x: &d {p: 1}\ny:\n  <<: *d\n', 'a: &x 1\nb: *x\n', '%YAML 1.1\n---\na: yes\n', 'a: !!str 1\n', 'a: &x 1\n', 'a: 1\n...\n', 'a: 1e400\n', '[a]: 1\n', '? {a: 1}\n: 2\n', ': 1\n', 'a: 1\na: 2\n', '', '# nothing\n']) {
      expect(quickYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('random values, in block and in flow style, cut and spliced', () => {
    fc.assert(
      fc.property(value, fc.boolean(), fc.array(edit, { maxLength: 3 }), (data, flow, edits) => {
        let text: string;
        try {
          text = stringify(data, flow ? { collectionStyle: 'flow' } : {});
        } catch {
          return;
        }
        expectSameReading(text);
        expectSameReading(edited(text, edits));
      }),
      { numRuns: 3000 },
    );
  });
});
