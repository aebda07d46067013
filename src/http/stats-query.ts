import { z } from 'zod';

/** The query of GET /v1/stats; `days` as in `/ethics stats` (1 to 365, default 30). */
export const statsQuerySchema = z.object({
  workspace: z.string({ error: 'is required: the Discord server id or Slack team id' }).trim().min(1, 'is required: the Discord server id or Slack team id'),
  days: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, e.g. 30')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(365, 'must be at most 365'))
    .optional(),
});
export type StatsQuery = z.infer<typeof statsQuerySchema>;

/** Repeated parameters are an error rather than silently first-or-last. */
export function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return out;
}
