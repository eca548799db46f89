import { z } from 'zod';
import { count, timerSeconds } from './bounds.ts';
import { urlWithoutCredentials } from './url.ts';
import { isKnownTimezone, parsePostingHours } from '../delivery/hours.ts';
import { categoryProblem, keywordProblem } from '../feeds/filter.ts';

/** A string list whose entries `problem` checks, each reported at its own index. */
const checkedList = (problem: (entry: string) => string | undefined) =>
  z.array(
    z.string().superRefine((entry, ctx) => {
      const message = problem(entry);
      if (message) ctx.addIssue({ code: 'custom', message });
    }),
  );

const filterLists = (problem: (entry: string) => string | undefined) =>
  z.strictObject({ include: checkedList(problem).optional(), exclude: checkedList(problem).optional() });

const channelFilter = z
  .strictObject({
    categories: filterLists(categoryProblem).optional(),
    keywords: filterLists(keywordProblem).optional(),
  })
  .superRefine((filter, ctx) => {
    const entries = [filter.categories?.include, filter.categories?.exclude, filter.keywords?.include, filter.keywords?.exclude].flatMap((l) => l ?? []);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'the filter lists nothing to include or exclude: add entries or remove it' });
  })
  .describe('Which articles this channel posts: categories and keywords (whole words; "/…/flags" is a regular expression), include and exclude');

const PRIORITY_HINT = 'a priority is a whole number (higher goes first), e.g. 10 or -1';
// A refinement, not `.int()`: that one stops the config's cross checks, so fewer problems would be reported at once.
const priorityScore = z.number({ error: PRIORITY_HINT }).refine(Number.isInteger, { error: PRIORITY_HINT });

/** Keys every channel takes, whatever its platform. */
export const channelBaseShape = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "-", "_" or "." only'),
  feeds: z.array(z.string()).optional().describe('Feed ids this channel posts; default: every feed'),
  template: z.string().optional().describe('Placeholders: {title} {summary} {link} {hashtags} {author} {categories}'),
  hashtags: z
    .strictObject({
      fromCategories: z.boolean().default(true),
      max: count(100).min(0).default(2),
      fixed: z.array(z.string()).default([]).describe('Always added, before those from categories'),
      map: z.record(z.string(), z.string()).default({}).describe('Category → hashtag (without #); an empty string drops the category'),
      exclude: z.array(z.string()).default([]).describe('Categories that never become hashtags, besides the built-in bookkeeping ones'),
    })
    .default({ fromCategories: true, max: 2, fixed: [], map: {}, exclude: [] }),
  utm: z
    .strictObject({
      source: z.string(),
      medium: z.string().default('social'),
      campaign: z.string().optional(),
    })
    .optional(),
  minIntervalSeconds: timerSeconds().int().min(0).default(0).describe('Spacing between two posts on this channel'),
  maxPerDay: count(100_000).min(1).optional().describe('At most this many posts in any 24 hours'),
  dryRun: z.boolean().default(false).describe('Render and record, send nothing'),
  images: z
    .strictObject({
      fromPage: z
        .boolean()
        .default(false)
        .describe("When the feed gives an article no image, use its page's og:image (fetched once per article, within the feed's limits)"),
    })
    .optional(),
  apiRoot: urlWithoutCredentials().optional().describe('Base URL of the platform API: a proxy, a self-hosted server, or a test fake'),
  corrections: z
    .enum(['edit', 'ignore'])
    .default('edit')
    .describe('When a posted article changes its title or lead: edit the post where the platform allows (edit), or leave it (ignore)'),
  filter: channelFilter.optional(),
  timezone: z
    .string()
    .default('UTC')
    .superRefine((name, ctx) => {
      if (!isKnownTimezone(name)) ctx.addIssue({ code: 'custom', message: `unknown time zone "${name}": use an IANA name such as Asia/Almaty or Europe/London` });
    })
    .describe('IANA time zone of postingHours'),
  postingHours: z
    .array(z.string())
    .superRefine((entries, ctx) => {
      for (const p of parsePostingHours(entries).problems) ctx.addIssue({ code: 'custom', path: p.index === undefined ? [] : [p.index], message: p.message });
    })
    .optional()
    .describe('"DAYS HH:MM-HH:MM" windows, e.g. "Mon-Fri 07:00-22:00"; default: any time'),
  maxAgeHours: z.number().positive().optional().describe('Never send an article older than this: it expires'),
  priority: z
    .strictObject({
      feeds: z.record(z.string(), priorityScore).default({}),
      categories: z.record(z.string(), priorityScore).default({}),
    })
    .optional()
    .describe("Higher goes first when not everything can go out: the feed's score plus the highest of the categories'; 10 or more goes at once"),
  review: z.boolean().default(false).describe('Every post waits for `herald approve`'),
};

export const channelBaseSchema = z.strictObject(channelBaseShape);
export type ChannelBase = z.infer<typeof channelBaseSchema>;
