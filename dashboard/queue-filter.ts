import { z } from 'zod';
import { verdictMethodSchema } from '../src/assessment/types.js';
import type { ReviewCase } from '../src/store/case.js';
import { scoreOf } from './format.js';

const DAY_MS = 24 * 60 * 60_000;
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, e.g. 2026-12-01').refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date');
const score = z.coerce.number({ error: 'must be a number from 0 to 1' }).min(0, 'must be at least 0').max(1, 'must be at most 1');

/** The queue's filters, from the query string; each is optional and an empty field means "any". */
export const queueFilterSchema = z.object({
  status: z.preprocess(blankToUndefined, z.enum(['open', 'upheld', 'dismissed', 'all']).default('open')),
  channel: optional(z.string().max(64)),
  norm: optional(z.string().max(300)),
  from: optional(date),
  to: optional(date),
  score_min: optional(score),
  score_max: optional(score),
  method: optional(z.enum(verdictMethodSchema.options)),
  q: optional(z.string().max(200)),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

/** Pure: the cases that pass every filter, open ones first, newest first within each group. */
export function filterCases(cases: readonly ReviewCase[], f: QueueFilter): ReviewCase[] {
  const from = f.from ? Date.parse(f.from) : null;
  const to = f.to ? Date.parse(f.to) + DAY_MS : null;
  const needle = f.q?.trim().toLowerCase();
  return cases
    .filter((c) => f.status === 'all' || c.status === f.status)
    .filter((c) => !f.channel || c.channelId === f.channel)
    .filter((c) => !f.norm || (c.assessment.norm ?? '') === f.norm)
    .filter((c) => from === null || c.createdAt >= from)
    .filter((c) => to === null || c.createdAt < to)
    .filter((c) => f.method === undefined || c.assessment.method === f.method)
    .filter((c) => {
      if (f.score_min === undefined && f.score_max === undefined) return true;
      const s = scoreOf(c);
      // A filter on score leaves out cases that have none: nothing says they fall in the range.
      return s !== null && s >= (f.score_min ?? 0) && s <= (f.score_max ?? 1);
    })
    .filter((c) => !needle || searchable(c).includes(needle))
    .sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open') || b.createdAt - a.createdAt);
}

function searchable(c: ReviewCase): string {
  return [c.id, c.messageText, c.authorName, c.authorId, c.assessment.norm ?? '', c.assessment.summary, c.context].join('\n').toLowerCase();
}
