import { z } from 'zod';
import { CHANNEL_MODES, minScoreFromPercent, type WorkspaceSettings } from '../src/policy/settings.js';
import { defineCommand, type Surface } from './define.js';
import { choice, flag, integer, ref } from './options.js';
import { adminOnly } from './preconditions.js';

const DAY_MS = 24 * 60 * 60_000;
const SEVERITY = ['low', 'medium', 'high'] as const;

/** Options only one platform has: Discord roles, Slack user groups (their own name, not "role"). */
export const PLATFORM_ONLY: Record<string, Surface> = {
  moderator_role: 'discord',
  exempt_role: 'discord',
  unexempt_role: 'discord',
  moderator_group: 'slack',
};

export const configOptions = z.object({
  channel: ref('channel', 'A channel to monitor (with mode)').optional(),
  mode: choice('mode', 'How to monitor that channel: off, shadow (record only), flag, coach', CHANNEL_MODES).optional(),
  unclear_to_review: flag('For that channel: send unclear verdicts to review too').optional(),
  min_score: integer('min_score', 'For that channel: calibrated score (%) that counts as a violation; 0 turns it off', { min: 0, max: 99 }).optional(),
  review_channel: ref('channel', 'Where case cards are posted for moderators').optional(),
  moderator_role: ref('role', 'A role whose members may act on cases (adds it)').optional(),
  moderator_group: ref('role', 'A user group whose members may act on cases (adds it)').optional(),
  flag_threshold: choice('flag_threshold', 'Lowest severity that opens a case in flag mode', SEVERITY).optional(),
  coach_flag_threshold: choice('coach_flag_threshold', 'In coach mode: lowest severity flagged rather than explained', SEVERITY).optional(),
  exempt_role: ref('role', 'A role never audited (adds it)').optional(),
  unexempt_role: ref('role', 'Remove a role from the exempt list').optional(),
  exempt_user: ref('user', 'A member never audited (adds them)').optional(),
  unexempt_user: ref('user', 'Audit this member again').optional(),
  notify_authors: flag('Tell authors privately when a case about them is upheld, with how to appeal').optional(),
  appeal_days: integer('appeal_days', 'Days an appeal waits for a moderator before it times out', { min: 1, max: 90 }).optional(),
  flood_max_cases: integer('flood_max_cases', 'Cases per minute before they are grouped into one digest card', { min: 1, max: 1000 }).optional(),
  block_reporter: ref('user', 'Refuse reports from this member').optional(),
  unblock_reporter: ref('user', 'Accept reports from this member again').optional(),
});
export type ConfigChange = z.infer<typeof configOptions>;

const add = (list: string[], id: string | undefined) => (id !== undefined && !list.includes(id) ? [...list, id] : list);
const remove = (list: string[], id: string | undefined) => (id === undefined ? list : list.filter((x) => x !== id));

/** Pure: the settings after one config command. A channel named without a mode is switched to `flag`. */
export function applyConfigChange(current: WorkspaceSettings, change: ConfigChange): WorkspaceSettings {
  const next: WorkspaceSettings = structuredClone(current);
  if (change.channel !== undefined) {
    const prior = next.channels[change.channel];
    const mode = change.mode ?? prior?.mode ?? 'flag';
    const minScore = change.min_score !== undefined ? minScoreFromPercent(change.min_score) : (prior?.minScore ?? null);
    if (mode === 'off') delete next.channels[change.channel];
    else next.channels[change.channel] = { mode, unclearToReview: change.unclear_to_review ?? prior?.unclearToReview ?? false, ...(minScore !== null ? { minScore } : {}) };
  }
  if (change.review_channel !== undefined) next.reviewChannelId = change.review_channel;
  next.moderatorRoleIds = add(add(next.moderatorRoleIds, change.moderator_role), change.moderator_group);
  if (change.flag_threshold !== undefined) next.thresholds.flag = change.flag_threshold;
  if (change.coach_flag_threshold !== undefined) next.thresholds.coachFlag = change.coach_flag_threshold;
  next.exemptRoleIds = remove(add(next.exemptRoleIds, change.exempt_role), change.unexempt_role);
  next.exemptUserIds = remove(add(next.exemptUserIds, change.exempt_user), change.unexempt_user);
  if (change.notify_authors !== undefined) next.notifyAuthors = change.notify_authors;
  if (change.appeal_days !== undefined) next.appealTtlMs = change.appeal_days * DAY_MS;
  if (change.flood_max_cases !== undefined) next.flood = { ...next.flood, maxCases: change.flood_max_cases };
  next.blockedReporterIds = remove(add(next.blockedReporterIds, change.block_reporter), change.unblock_reporter);
  return next;
}

/** Each platform's words for who moderates without being named. */
const IMPLICIT_MODERATORS: Record<Surface, { groups: string; implicit: string }> = {
  discord: { groups: 'Moderator roles', implicit: 'Manage Messages still counts' },
  slack: { groups: 'Moderator user groups', implicit: 'workspace admins and owners still count' },
  cli: { groups: 'Moderator groups', implicit: 'platform admins still count' },
  http: { groups: 'Moderator groups', implicit: 'platform admins still count' },
};

/** Plain text with platform-neutral tokens (<#id>, <@id>, <@&id>) that each adapter renders. */
export function describeSettings(s: WorkspaceSettings, surface: Surface): string {
  const channels = Object.entries(s.channels);
  const words = IMPLICIT_MODERATORS[surface];
  const people = (ids: readonly string[]) => ids.map((u) => `<@${u}>`).join(', ');
  const groups = (ids: readonly string[]) => ids.map((r) => `<@&${r}>`).join(', ');
  return [
    '**normguard settings**',
    `Monitored channels: ${channels.length === 0 ? 'none' : channels.map(([id, c]) => `<#${id}> ${c.mode}${c.unclearToReview ? ' (+unclear)' : ''}${typeof c.minScore === 'number' ? ` (score ≥ ${Math.round(c.minScore * 100)}%)` : ''}`).join(', ')}`,
    `Review channel: ${s.reviewChannelId ? `<#${s.reviewChannelId}>` : 'not set — flagged cases are stored but not posted'}`,
    `${words.groups}: ${s.moderatorRoleIds.length === 0 ? `none (${words.implicit})` : groups(s.moderatorRoleIds)}`,
    ...(s.moderatorUserIds.length > 0 ? [`Moderators: ${people(s.moderatorUserIds)}`] : []),
    `Thresholds: flag ≥ ${s.thresholds.flag}; coach explains ≥ ${s.thresholds.explain}, flags ≥ ${s.thresholds.coachFlag}`,
    `Never audited: ${s.exemptRoleIds.length + s.exemptUserIds.length === 0 ? 'nobody' : [groups(s.exemptRoleIds), people(s.exemptUserIds)].filter(Boolean).join(', ')}`,
    `Author notices: ${s.notifyAuthors ? 'on' : 'off'}; appeals time out after ${Math.round(s.appealTtlMs / DAY_MS)} days`,
    `Flood digest beyond ${s.flood.maxCases} cases per ${Math.round(s.flood.windowMs / 1000)} s; ${s.reportsPerHour} reports per member per hour`,
    ...(s.blockedReporterIds.length > 0 ? [`Blocked reporters: ${people(s.blockedReporterIds)}`] : []),
  ].join('\n');
}

/** `/ethics config`: admins only. Each run changes what its options name and shows the result. */
export const configCommand = defineCommand({
  name: 'config',
  description: 'Change normguard’s settings here (admins)',
  example: { channel: 'C0123ABC', mode: 'coach', unclear_to_review: true },
  options: configOptions,
  preconditions: [adminOnly],
  run: async (change, ctx, deps) => {
    if ((change.mode !== undefined || change.unclear_to_review !== undefined || change.min_score !== undefined) && change.channel === undefined) {
      return { kind: 'error', text: 'Say which channel: `mode`, `unclear_to_review` and `min_score` apply to the `channel` option.', ephemeral: true };
    }
    const updated = await deps.settings.update(ctx.workspaceId, (s) => applyConfigChange(s, change));
    return { kind: 'notice', text: describeSettings(updated, ctx.surface), ephemeral: true };
  },
});
