import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/cli/json-schema.ts';

describe('config/herald.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (run `npm run schema` when this fails)', () => {
    const committed = fs.readFileSync(new URL('../../config/herald.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(configJsonSchema());
  });
});
