import type { KnownBlock, View } from '@slack/types';
import { CHANNEL_MODES, channelModeSchema, minScoreFromPercent, type ChannelMode, type WorkspaceSettings } from '../../src/policy/settings.js';
import { CONFIG_MODAL, plainText as plain, viewValue } from './modals.js';

const DAY_MS = 24 * 60 * 60_000;
/** Slack allows 100 blocks in a modal; the fixed settings take 14, each channel two. */
export const MAX_CHANNEL_ROWS = 40;
const option = (v: string) => ({ text: plain(v), value: v });
const select = (id: string, label: string, choices: readonly string[], initial: string): KnownBlock => ({
  type: 'input',
  block_id: id,
  label: plain(label),
  element: { type: 'static_select', action_id: 'value', initial_option: option(initial), options: choices.map(option) },
});
const users = (id: string, label: string, initial: readonly string[]): KnownBlock => ({
  type: 'input',
  block_id: id,
  optional: true,
  label: plain(label),
  element: { type: 'multi_users_select', action_id: 'value', ...(initial.length > 0 ? { initial_users: [...initial] } : {}) },
});
const channels = (id: string, label: string, initial: readonly string[]): KnownBlock => ({
  type: 'input',
  block_id: id,
  optional: true,
  label: plain(label),
  element: { type: 'multi_conversations_select', action_id: 'value', ...(initial.length > 0 ? { initial_conversations: [...initial] } : {}), filter: { include: ['public', 'private'], exclude_bot_users: true } },
});
const number = (id: string, label: string, value: number, min: number, max: number): KnownBlock => ({
  type: 'input',
  block_id: id,
  label: plain(label),
  element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false, initial_value: String(value), min_value: String(min), max_value: String(max) },
});

/** A channel's calibrated score threshold, in whole percent; empty leaves the verdict to decide. */
const scoreInput = (id: string, name: string, minScore: number | null | undefined): KnownBlock => ({
  type: 'input',
  block_id: `min_score:${id}`,
  optional: true,
  label: plain(`Score (%) that counts as a violation in #${name} (empty: the verdict decides)`),
  element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false, min_value: '1', max_value: '99', ...(typeof minScore === 'number' ? { initial_value: String(Math.round(minScore * 100)) } : {}) },
});

/**
 * `/ethics config`: every setting Discord's `/ethics config` has, per channel, on one page. Each
 * monitored channel keeps its own mode (`mode:<id>`); channels added in the list take the mode
 * for new channels. `names` are channel names for the labels (plain text cannot show <#id>).
 */
export function settingsForm(s: WorkspaceSettings, meta: { channelId: string; teamId: string }, names: Record<string, string>): View {
  const monitored = Object.keys(s.channels).slice(0, MAX_CHANNEL_ROWS);
  const severities = ['low', 'medium', 'high'];
  const notify = { text: plain('Tell authors privately when a case is upheld, with how to appeal'), value: 'on' };
  const blocks: KnownBlock[] = [
    channels('channels', 'Monitored channels', monitored),
    ...monitored.flatMap((id) => [select(`mode:${id}`, `Mode in #${names[id] ?? id}`, CHANNEL_MODES, s.channels[id]?.mode ?? 'flag'), scoreInput(id, names[id] ?? id, s.channels[id]?.minScore)]),
    select('mode', 'Mode for channels added above', CHANNEL_MODES.filter((m) => m !== 'off'), 'flag'),
    channels('unclear_to_review', 'Send unclear verdicts to review in these channels', monitored.filter((id) => s.channels[id]?.unclearToReview)),
    { type: 'input', block_id: 'review_channel', optional: true, label: plain('Review channel (case cards go here)'), element: { type: 'conversations_select', action_id: 'value', ...(s.reviewChannelId ? { initial_conversation: s.reviewChannelId } : {}) } },
    users('moderators', 'Moderators (besides workspace admins)', s.moderatorUserIds),
    { type: 'input', block_id: 'moderator_groups', optional: true, label: plain('Moderator user groups (IDs like S0123ABC, comma-separated)'), element: { type: 'plain_text_input', action_id: 'value', ...(s.moderatorRoleIds.length > 0 ? { initial_value: s.moderatorRoleIds.join(', ') } : {}) } },
    users('exempt_users', 'Members never audited', s.exemptUserIds),
    select('flag_threshold', 'Lowest severity that opens a case', severities, s.thresholds.flag),
    select('coach_flag_threshold', 'Coach mode: lowest severity flagged rather than explained', severities, s.thresholds.coachFlag),
    { type: 'input', block_id: 'notify_authors', optional: true, label: plain('Author notices'), element: { type: 'checkboxes', action_id: 'value', options: [notify], ...(s.notifyAuthors ? { initial_options: [notify] } : {}) } },
    number('appeal_days', 'Days an appeal waits for a moderator', Math.max(1, Math.round(s.appealTtlMs / DAY_MS)), 1, 90),
    number('flood_max_cases', 'Cases per minute before they are grouped into one digest', s.flood.maxCases, 1, 1000),
    users('blocked_reporters', 'Members whose reports are refused', s.blockedReporterIds),
  ];
  return { type: 'modal', callback_id: CONFIG_MODAL, private_metadata: JSON.stringify(meta), title: plain('normguard settings'), submit: plain('Save'), close: plain('Cancel'), blocks };
}

type Values = Record<string, Record<string, any>>;

/** Pure: the settings after a submitted form. A channel taken out of the list stops being monitored. */
export function applySettingsForm(current: WorkspaceSettings, values: Values): WorkspaceSettings {
  const v = (block: string): any => viewValue(values, block);
  const next: WorkspaceSettings = structuredClone(current);
  const unclear = new Set<string>(v('unclear_to_review') ?? []);
  const fresh = modeOf(v('mode')) ?? 'flag';
  next.channels = {};
  for (const id of (v('channels') as string[] | undefined) ?? []) {
    const mode = modeOf(v(`mode:${id}`)) ?? current.channels[id]?.mode ?? fresh;
    const percent = Number(v(`min_score:${id}`));
    const minScore = `min_score:${id}` in values ? (Number.isInteger(percent) && percent >= 1 && percent <= 99 ? minScoreFromPercent(percent) : null) : (current.channels[id]?.minScore ?? null);
    if (mode !== 'off') next.channels[id] = { mode, unclearToReview: unclear.has(id), ...(minScore !== null ? { minScore } : {}) };
  }
  next.reviewChannelId = v('review_channel') ?? null;
  next.moderatorUserIds = [...new Set<string>(v('moderators') ?? [])];
  next.moderatorRoleIds = [...new Set(String(v('moderator_groups') ?? '').split(/[\s,]+/).filter((g) => g.length > 0))];
  next.exemptUserIds = [...new Set<string>(v('exempt_users') ?? [])];
  next.blockedReporterIds = [...new Set<string>(v('blocked_reporters') ?? [])];
  const flag = severityOf(v('flag_threshold'));
  const coach = severityOf(v('coach_flag_threshold'));
  if (flag) next.thresholds.flag = flag;
  if (coach) next.thresholds.coachFlag = coach;
  next.notifyAuthors = ((v('notify_authors') as Array<{ value: string }> | undefined) ?? []).some((o) => o.value === 'on');
  const days = Number(v('appeal_days'));
  if (Number.isInteger(days) && days >= 1 && days <= 90) next.appealTtlMs = days * DAY_MS;
  const flood = Number(v('flood_max_cases'));
  if (Number.isInteger(flood) && flood >= 1 && flood <= 1000) next.flood = { ...next.flood, maxCases: flood };
  return next;
}

function modeOf(value: unknown): ChannelMode | null {
  const parsed = channelModeSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function severityOf(value: unknown): 'low' | 'medium' | 'high' | null {
  return value === 'low' || value === 'medium' || value === 'high' ? value : null;
}
