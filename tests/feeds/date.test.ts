import { describe, expect, it } from 'vitest';
import { isoDate } from '../../src/feeds/date.ts';

describe('isoDate', () => {
  it.each([
    ['Tue, 21 May 2024 11:20:31 +0000', '2024-05-21T11:20:31.000Z'],
    ['Tue, 21 May 2024 11:20:31 +0500', '2024-05-21T06:20:31.000Z'],
    ['mer, 16 nov 2022 00:38:15 +0100', '2022-11-15T23:38:15.000Z'],
    ['21 May 2024 11:20 GMT', '2024-05-21T11:20:00.000Z'],
    ['Tue, 21 May 24 11:20:31 EST', '2024-05-21T16:20:31.000Z'],
    ['Wednesday, 22 May 2024 09:30:00 GMT+0500', '2024-05-22T04:30:00.000Z'],
    ['Sat, Dec 16 2023 02:02:33 PM GMT', '2023-12-16T14:02:33.000Z'],
    ['2024-05-22T09:30:00+05:00', '2024-05-22T04:30:00.000Z'],
    ['2024-05-22T09:30:00.123Z', '2024-05-22T09:30:00.123Z'],
    ['  2024-05-22  ', '2024-05-22T00:00:00.000Z'],
  ])('reads %j', (text, iso) => {
    expect(isoDate(text)).toBe(iso);
  });

  it.each(['', 'yesterday', '32 Mayember', 'Seg, 24 Set 2018 19:42:40 -0300', 'Τρι, 29 Ιούν 2004 12:53:00 GMT', '1716287000', '31 Feb 2024 25:61'])(
    'refuses %j',
    (text) => {
      expect(isoDate(text)).toBeUndefined();
    },
  );
});
