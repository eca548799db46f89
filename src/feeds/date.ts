/**
 * Feed dates → ISO-8601. Only the formats feeds really use are accepted — RFC 822 (RSS),
 * its US-style variant ("Sat, Dec 16 2023 02:02:33 PM") and ISO 8601 / RFC 3339 (Atom,
 * dc:date) — because V8's Date parser alone takes nearly anything ("32 Mayember" is
 * 1 May 2032), and a wrong date is worse than none.
 */
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
/** Any language's weekday name: it repeats the date, so only its shape is checked. */
const WEEKDAY = '(?:\\p{L}{2,12}\\.?,?\\s*)?';
const TIME = '(?:\\s+\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s*[ap]m)?(?:\\s*[a-z]{1,5})?(?:\\s*[+-]\\d{2}:?\\d{2})?)?';
const RFC_822 = new RegExp(`^${WEEKDAY}\\d{1,2}\\s+${MONTH}\\s+\\d{2,4}${TIME}$`, 'iu');
const US_STYLE = new RegExp(`^${WEEKDAY}${MONTH}\\s+\\d{1,2},?\\s+\\d{4}${TIME}$`, 'iu');
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export function isoDate(text: string): string | undefined {
  const trimmed = text.trim();
  if (![RFC_822, US_STYLE, ISO_8601].some((format) => format.test(trimmed))) return undefined;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
