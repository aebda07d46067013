import { z } from 'zod';
import { severitySchema } from '../assessment/types.js';

export const CHANNEL_MODES = ['off', 'shadow', 'flag', 'coach'] as const;
export const channelModeSchema = z.enum(CHANNEL_MODES);
export type ChannelMode = z.infer<typeof channelModeSchema>;

export const channelSettingsSchema = z.object({
  mode: channelModeSchema,
  /** Send `unclear` assessments to review instead of recording them silently. */
  unclearToReview: z.boolean().default(false),
  /**
   * When set, the calibrated score decides what counts as a violation in this channel: at or
   * above it a message is treated as impermissible, below it as permissible (assessments
   * without a score keep their verdict). Severity still decides flag or explain.
   */
  minScore: z.number().min(0.01, 'must be between 0.01 and 0.99').max(0.99, 'must be between 0.01 and 0.99').nullable().optional(),
});
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/**
 * What a `/ethics config min_score:<percent>` option sets: a whole percent 1–99 becomes the
 * fraction stored, 0 turns the channel's score threshold off (null).
 */
export function minScoreFromPercent(percent: number): number | null {
  if (!Number.isInteger(percent) || percent < 0 || percent > 99) throw new RangeError('min_score must be a whole percent from 0 to 99');
  return percent === 0 ? null : percent / 100;
}

/** Per guild (Discord) or workspace (Slack) settings; one schema, parsed at the store's edge. */
export const workspaceSettingsSchema = z.object({
  channels: z.record(z.string(), channelSettingsSchema).default({}),
  reviewChannelId: z.string().nullable().default(null),
  moderatorRoleIds: z.array(z.string()).default([]),
  moderatorUserIds: z.array(z.string()).default([]),
  exemptRoleIds: z.array(z.string()).default([]),
  exemptUserIds: z.array(z.string()).default([]),
  exemptChannelIds: z.array(z.string()).default([]),
  thresholds: z
    .object({
      /** Lowest severity that opens a review case in `flag` mode (and in `coach` mode). */
      flag: severitySchema.default('medium'),
      /** In `coach` mode: lowest severity that gets a polite explanation instead of silence. */
      explain: severitySchema.default('medium'),
      /** In `coach` mode: lowest severity that is flagged rather than explained. */
      coachFlag: severitySchema.default('high'),
    })
    .default({ flag: 'medium', explain: 'medium', coachFlag: 'high' }),
  cooldowns: z
    .object({
      /** After acting on an author, stay silent about them for this long (ms). */
      authorMs: z.number().int().nonnegative().default(10 * 60_000),
      /** After posting an explanation in a channel, do not explain there again for this long (ms). */
      channelMs: z.number().int().nonnegative().default(2 * 60_000),
    })
    .default({ authorMs: 10 * 60_000, channelMs: 2 * 60_000 }),
  /** Tell an author, privately, when a case about them is upheld, with how to appeal. */
  notifyAuthors: z.boolean().default(true),
  /** How long an appeal waits for a moderator before it times out (ms). */
  appealTtlMs: z.number().int().positive().default(7 * 24 * 60 * 60_000),
  /** Members whose reports are refused (abusive reporters). */
  blockedReporterIds: z.array(z.string()).default([]),
  /** Reports one member may file per hour. */
  reportsPerHour: z.number().int().positive().default(5),
  /** Slash commands and message checks a member may run per minute, and a channel may see. */
  commandLimits: z
    .object({ perUserPerMinute: z.number().int().positive().default(6), perChannelPerMinute: z.number().int().positive().default(20) })
    .default({ perUserPerMinute: 6, perChannelPerMinute: 20 }),
  /** Raid guard: beyond `maxCases` new cases within `windowMs`, cases are grouped into one digest card per window. */
  flood: z
    .object({ maxCases: z.number().int().positive().default(8), windowMs: z.number().int().positive().default(60_000) })
    .default({ maxCases: 8, windowMs: 60_000 }),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;


export function defaultWorkspaceSettings(): WorkspaceSettings {
  return workspaceSettingsSchema.parse({});
}
