import { describe, expect, it } from 'vitest';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';

const schema = buildConfigSchema(Object.values(adapters), unsupportedPlatforms);
const base = { feeds: [{ id: 'astanatimes', url: 'https://astanatimes.com/feed/' }], channels: [{ id: 'console', platform: 'console' }] };

function problems(polling: unknown): string[] {
  const parsed = schema.safeParse({ ...base, polling });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('polling config', () => {
  it('defaults both limits when the key or one of its keys is left out', () => {
    expect(schema.parse(base).polling).toEqual({ concurrency: 8, perHost: 4 });
    expect(schema.parse({ ...base, polling: { perHost: 1 } }).polling).toEqual({ concurrency: 8, perHost: 1 });
  });

  it('takes whole numbers from 1 to 1000 and names the key that is out of bounds', () => {
    expect(problems({ concurrency: 1000, perHost: 1 })).toEqual([]);
    expect(problems({ concurrency: 0 })).toEqual(['polling.concurrency: Too small: expected number to be >=1']);
    expect(problems({ perHost: 1001 })).toEqual(['polling.perHost: at most 1000']);
    expect(problems({ perHost: 2.5 })).toHaveLength(1);
    expect(problems({ parallel: 4 })).toEqual([expect.stringMatching(/^polling: .*parallel/)]);
  });
});
