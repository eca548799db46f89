import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapters, unsupportedPlatforms } from '../../adapters/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { ConfigError } from '../../src/errors.ts';

const schema = buildConfigSchema(Object.values(adapters), unsupportedPlatforms);

function write(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-controls-'));
  fs.writeFileSync(path.join(dir, 'herald.yaml'), yaml);
  return path.join(dir, 'herald.yaml');
}

const withChannel = (keys: string) => `
feeds:
  - id: astanatimes
    url: https://astanatimes.com/feed/
  - id: breaking
    url: https://astanatimes.com/breaking/feed/
channels:
  - id: x-business
    platform: console
${keys}
`;

function problems(keys: string): string[] {
  try {
    loadConfig(write(withChannel(keys)), schema, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`).sort();
    throw err;
  }
  return [];
}

describe("the editor's controls in the config", () => {
  it('reads filters, hashtags, hours, expiry, priorities and review', () => {
    const { config } = loadConfig(
      write(
        withChannel(`    filter:
      categories: { include: [Business, Economy], exclude: [Sponsored] }
      keywords: { exclude: ["live updates", "/^watch:/i"] }
    hashtags: { max: 3, map: { Nation: Kazakhstan }, exclude: [News] }
    timezone: Asia/Almaty
    postingHours: ["Mon-Fri 07:00-22:00", "Sat,Sun 09:00-21:00"]
    maxAgeHours: 12
    maxPerDay: 17
    priority:
      feeds: { breaking: 10 }
      categories: { Breaking: 10, Nation: 3, Sport: -1 }
    review: true`),
      ),
      schema,
      {},
    );
    expect(config.channels[0]).toMatchObject({
      filter: { categories: { include: ['Business', 'Economy'], exclude: ['Sponsored'] }, keywords: { exclude: ['live updates', '/^watch:/i'] } },
      hashtags: { fromCategories: true, max: 3, fixed: [], map: { Nation: 'Kazakhstan' }, exclude: ['News'] },
      timezone: 'Asia/Almaty',
      postingHours: ['Mon-Fri 07:00-22:00', 'Sat,Sun 09:00-21:00'],
      maxAgeHours: 12,
      priority: { feeds: { breaking: 10 }, categories: { Breaking: 10, Nation: 3, Sport: -1 } },
      review: true,
    });
  });

  it('defaults to UTC, any time, no expiry, no review', () => {
    const { config } = loadConfig(write(withChannel('')), schema, {});
    expect(config.channels[0]).toMatchObject({ timezone: 'UTC', review: false, hashtags: { map: {}, exclude: [] } });
    expect(config.channels[0]!.postingHours).toBeUndefined();
    expect(config.channels[0]!.maxAgeHours).toBeUndefined();
  });

  it('reports each bad key as path: message', () => {
    expect(
      problems(`    timezone: Mars/Olympus
    postingHours: ["Mon-Fri 25:00-26:00", "Mon-Fri 07:00-22:00", "Fri 21:00-23:00", "Sat 10:00-10:00"]
    priority: { feeds: { breaking: high, nowhere: 1 }, categories: { Nation: "3", Sport: 1.5 } }
    maxAgeHours: 0
    filter:
      keywords: { exclude: ["/[unclosed/", ""] }
      categories: { include: ["  "] }`),
    ).toEqual([
      'channels.0.filter.categories.include.0: an empty category matches nothing: remove it',
      'channels.0.filter.keywords.exclude.0: invalid regular expression /[unclosed/: /[unclosed/: Unterminated character class',
      'channels.0.filter.keywords.exclude.1: an empty keyword matches nothing: remove it',
      'channels.0.maxAgeHours: Too small: expected number to be >0',
      'channels.0.postingHours.0: 25:00 is not a start time (00:00 to 23:59)',
      'channels.0.postingHours.2: Fri 21:00-23:00 overlaps entry 1 ("Mon-Fri 07:00-22:00"): windows must not overlap',
      'channels.0.postingHours.3: the window 10:00-10:00 is empty (the end is exclusive): use 00:00-24:00 for the whole day',
      'channels.0.priority.categories.Nation: a priority is a whole number (higher goes first), e.g. 10 or -1',
      'channels.0.priority.categories.Sport: a priority is a whole number (higher goes first), e.g. 10 or -1',
      'channels.0.priority.feeds.breaking: a priority is a whole number (higher goes first), e.g. 10 or -1',
      'channels.0.priority.feeds.nowhere: unknown feed "nowhere" (feeds are: astanatimes, breaking)',
      'channels.0.timezone: unknown time zone "Mars/Olympus": use an IANA name such as Asia/Almaty or Europe/London',
    ]);
  });

  it('rejects a filter or posting hours that list nothing', () => {
    expect(problems(`    filter: { categories: { include: [] }, keywords: {} }
    postingHours: []`)).toEqual([
      'channels.0.filter: the filter lists nothing to include or exclude: add entries or remove it',
      'channels.0.postingHours: no posting hours: nothing would ever be sent; remove the key to post at any time',
    ]);
  });

  it('rejects unknown keys inside the new blocks', () => {
    expect(problems(`    filter: { category: { include: [Sport] } }`)).toContain(
      'channels.0.filter.category: unknown key (check the spelling; see config/herald.example.yaml)',
    );
  });
});
