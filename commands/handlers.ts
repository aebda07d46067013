import type { Assessor } from '../src/assessment/assessor.js';
import type { Clock } from '../src/clock.js';
import { BadInputError, describeError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import type { ActivityLog } from '../src/moderation/activity-log.js';
import type { BufferedMessage } from '../src/moderation/conversation-buffer.js';
import { isAdmin, isModerator, type Actor } from '../src/moderation/preconditions.js';
import { auditFields, type AuditSubject } from '../src/moderation/situation.js';
import { caseStats } from '../src/moderation/stats.js';
import type { WorkspaceSettings } from '../src/policy/settings.js';
import type { CaseRepository } from '../src/store/case-repository.js';
import type { SettingsRepository } from '../src/store/settings-repository.js';
import { CASE_OPTIONS, CONFIG_OPTIONS, FORGET_OPTIONS, STATS_OPTIONS, type AssessCommand } from './ethics.js';
import type { CaseService } from '../src/moderation/cases.js';
import type { ConversationBuffer } from '../src/moderation/conversation-buffer.js';
import { caseTimeline } from './notices.js';
import { parseOptions, type OptionProblem } from './options.js';
import { errorReply, type Reply } from './replies.js';
import { splitSections } from './sections.js';

export interface CommandDeps {
  assessor: Assessor;
  /** For `/ethics forget`: the case service and the in-memory conversation buffer. */
  caseService: CaseService;
  buffer: ConversationBuffer;
  settings: SettingsRepository;
  cases: CaseRepository;
  activity: ActivityLog;
  clock: Clock;
  logger: Logger;
}

export interface CommandContext {
  workspaceId: string;
  channelId: string;
  actor: Actor;
  signal?: AbortSignal;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * The rate-limit precondition for commands that cost a model call: per member and per channel,
 * with the wait in the reply. Null when the command may run.
 */
export async function rateLimited(ctx: Pick<CommandContext, 'workspaceId' | 'channelId'> & { userId: string }, deps: CommandDeps): Promise<Reply | null> {
  const settings = await deps.settings.get(ctx.workspaceId);
  const quota = await deps.activity.takeCommandQuota(ctx.workspaceId, ctx.userId, ctx.channelId, settings.commandLimits);
  if (quota.ok) return null;
  const seconds = Math.max(1, Math.ceil(quota.retryInMs / 1000));
  const who = quota.scope === 'user' ? 'You have' : 'This channel has';
  return errorReply(`${who} asked normguard a lot in the last minute. Please try again in ${seconds} s.`);
}

/** `/ethics advise|evaluate|check|why`: validate, ask at interactive priority, shape the reply. */
export async function runAssess(command: AssessCommand, input: Record<string, unknown>, deps: CommandDeps, ctx: Pick<CommandContext, 'signal'> = {}): Promise<Reply> {
  const parsed = parseOptions(command.options, input);
  if (!parsed.ok) return errorReply(problemsText(parsed.problems));
  const v = parsed.value as { situation: string; intent?: string; action?: string; norm?: string; public?: boolean };
  return assessReply(command.title, deps, ctx.signal, v.public === true, {
    strategy: command.strategy,
    fields: { situation: v.situation, intention: v.intent, action: v.action, norm: v.norm },
  });
}

/** "Check this message": S3 on a chosen message with the messages around it as context. */
export async function runCheckMessage(subject: AuditSubject, context: readonly BufferedMessage[], deps: CommandDeps, ctx: Pick<CommandContext, 'signal'> = {}): Promise<Reply> {
  if (subject.text.trim().length === 0) return errorReply('That message has no text to check.');
  const { excerpt: _excerpt, ...fields } = auditFields(subject, context);
  return assessReply('Check this message', deps, ctx.signal, false, { strategy: 'permissibility', fields });
}

async function assessReply(
  title: string,
  deps: CommandDeps,
  signal: AbortSignal | undefined,
  isPublic: boolean,
  request: Pick<Parameters<Assessor['assess']>[0], 'strategy' | 'fields'>,
): Promise<Reply> {
  try {
    const assessment = await deps.assessor.assess({ ...request, priority: 'interactive', signal });
    return { kind: 'assessment', title, assessment, sections: splitSections(assessment.text), ephemeral: !isPublic };
  } catch (err) {
    if (err instanceof BadInputError) return errorReply(problemsText(err.problems.map((p) => ({ option: p.field === 'intention' ? 'intent' : p.field, message: p.message }))));
    deps.logger.warn({ err }, 'command could not be answered');
    return errorReply(describeError(err));
  }
}

/** `/ethics config`: admins only; applies what the options name and shows the whole result. */
export async function runConfig(input: Record<string, unknown>, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  const allowed = isAdmin(ctx.actor);
  if (!allowed.ok) return errorReply(allowed.message);
  const parsed = parseOptions(CONFIG_OPTIONS, input);
  if (!parsed.ok) return errorReply(problemsText(parsed.problems));
  const change = parsed.value as ConfigChange;
  if ((change.mode !== undefined || change.unclear_to_review !== undefined) && change.channel === undefined) {
    return errorReply('Say which channel: `mode` and `unclear_to_review` apply to the `channel` option.');
  }
  const updated = await deps.settings.update(ctx.workspaceId, (s) => applyConfigChange(s, change));
  return { kind: 'notice', text: describeSettings(updated), ephemeral: true };
}

export interface ConfigChange {
  channel?: string;
  mode?: WorkspaceSettings['channels'][string]['mode'];
  unclear_to_review?: boolean;
  review_channel?: string;
  moderator_role?: string;
  flag_threshold?: 'low' | 'medium' | 'high';
  coach_flag_threshold?: 'low' | 'medium' | 'high';
  exempt_role?: string;
  unexempt_role?: string;
  /** Slack's settings modal sets the whole lists at once. */
  moderator_users?: string[];
  notify_authors?: boolean;
  appeal_days?: number;
  flood_max_cases?: number;
  block_reporter?: string;
  unblock_reporter?: string;
}

/** Pure: the settings after one config command. A channel named without a mode is switched to `flag`. */
export function applyConfigChange(current: WorkspaceSettings, change: ConfigChange): WorkspaceSettings {
  const next: WorkspaceSettings = structuredClone(current);
  if (change.channel !== undefined) {
    const prior = next.channels[change.channel];
    next.channels[change.channel] = {
      mode: change.mode ?? prior?.mode ?? 'flag',
      unclearToReview: change.unclear_to_review ?? prior?.unclearToReview ?? false,
    };
    if (next.channels[change.channel]?.mode === 'off') delete next.channels[change.channel];
  }
  if (change.review_channel !== undefined) next.reviewChannelId = change.review_channel;
  if (change.moderator_role !== undefined && !next.moderatorRoleIds.includes(change.moderator_role)) next.moderatorRoleIds.push(change.moderator_role);
  if (change.moderator_users !== undefined) next.moderatorUserIds = [...new Set(change.moderator_users)];
  if (change.flag_threshold !== undefined) next.thresholds.flag = change.flag_threshold;
  if (change.coach_flag_threshold !== undefined) next.thresholds.coachFlag = change.coach_flag_threshold;
  if (change.exempt_role !== undefined && !next.exemptRoleIds.includes(change.exempt_role)) next.exemptRoleIds.push(change.exempt_role);
  if (change.unexempt_role !== undefined) next.exemptRoleIds = next.exemptRoleIds.filter((r) => r !== change.unexempt_role);
  if (change.notify_authors !== undefined) next.notifyAuthors = change.notify_authors;
  if (change.appeal_days !== undefined) next.appealTtlMs = change.appeal_days * DAY_MS;
  if (change.flood_max_cases !== undefined) next.flood = { ...next.flood, maxCases: change.flood_max_cases };
  if (change.block_reporter !== undefined && !next.blockedReporterIds.includes(change.block_reporter)) next.blockedReporterIds.push(change.block_reporter);
  if (change.unblock_reporter !== undefined) next.blockedReporterIds = next.blockedReporterIds.filter((u) => u !== change.unblock_reporter);
  return next;
}

/** Plain text with platform-neutral mention tokens (<#id>, <@&id>) that each adapter rewrites. */
export function describeSettings(s: WorkspaceSettings): string {
  const channels = Object.entries(s.channels);
  const lines = [
    '**normguard settings**',
    `Monitored channels: ${channels.length === 0 ? 'none' : channels.map(([id, c]) => `<#${id}> ${c.mode}${c.unclearToReview ? ' (+unclear)' : ''}`).join(', ')}`,
    `Review channel: ${s.reviewChannelId ? `<#${s.reviewChannelId}>` : 'not set — flagged cases are stored but not posted'}`,
    `Moderator roles: ${s.moderatorRoleIds.length === 0 ? 'none (Manage Messages still counts)' : s.moderatorRoleIds.map((r) => `<@&${r}>`).join(', ')}`,
    ...(s.moderatorUserIds.length > 0 ? [`Moderators: ${s.moderatorUserIds.map((u) => `<@${u}>`).join(', ')}`] : []),
    `Thresholds: flag ≥ ${s.thresholds.flag}; coach explains ≥ ${s.thresholds.explain}, flags ≥ ${s.thresholds.coachFlag}`,
    `Exempt roles: ${s.exemptRoleIds.length === 0 ? 'none' : s.exemptRoleIds.map((r) => `<@&${r}>`).join(', ')}`,
    `Author notices: ${s.notifyAuthors ? 'on' : 'off'}; appeals time out after ${Math.round(s.appealTtlMs / DAY_MS)} days`,
    `Flood digest beyond ${s.flood.maxCases} cases per ${Math.round(s.flood.windowMs / 1000)} s; ${s.reportsPerHour} reports per member per hour`,
    ...(s.blockedReporterIds.length > 0 ? [`Blocked reporters: ${s.blockedReporterIds.map((u) => `<@${u}>`).join(', ')}`] : []),
  ];
  return lines.join('\n');
}

/** `/ethics stats`: the review numbers for a period, plus what the monitor decided. */
export async function runStats(input: Record<string, unknown>, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  const parsed = parseOptions(STATS_OPTIONS, input);
  if (!parsed.ok) return errorReply(problemsText(parsed.problems));
  const { days = 30, public: isPublic = false } = parsed.value as { days?: number; public?: boolean };
  const since = deps.clock.now() - days * DAY_MS;
  try {
    const cases = await deps.cases.listByWorkspace(ctx.workspaceId, { since, limit: 10_000 });
    const stats = { ...caseStats(cases, since), decisions: await deps.activity.counters(ctx.workspaceId, since) };
    return { kind: 'stats', stats, days, ephemeral: !isPublic };
  } catch (err) {
    deps.logger.warn({ err }, 'stats failed');
    return errorReply(describeError(err));
  }
}

/** `/ethics forget <member>`: admins only; removes the member's stored text from this workspace. */
export async function runForget(input: Record<string, unknown>, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  const allowed = isAdmin(ctx.actor);
  if (!allowed.ok) return errorReply(allowed.message);
  const parsed = parseOptions(FORGET_OPTIONS, input);
  if (!parsed.ok) return errorReply(problemsText(parsed.problems));
  const userId = String(parsed.value.user);
  const { cases } = await deps.caseService.forget(ctx.workspaceId, userId, ctx.actor.id);
  const messages = deps.buffer.forgetAuthor(ctx.workspaceId, userId);
  return {
    kind: 'notice',
    text: `Done: normguard removed <@${userId}>’s stored text from ${cases} case${cases === 1 ? '' : 's'} and ${messages} recent message${messages === 1 ? '' : 's'} in memory. Verdicts and decisions remain for the statistics. Cached model answers expire on their own (NORMGUARD_CACHE_TTL_MS).`,
    ephemeral: true,
  };
}

/** `/ethics case <id>`: moderators see a case's whole timeline. */
export async function runCase(input: Record<string, unknown>, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  const parsed = parseOptions(CASE_OPTIONS, input);
  if (!parsed.ok) return errorReply(problemsText(parsed.problems));
  const settings = await deps.settings.get(ctx.workspaceId);
  const allowed = isModerator(ctx.actor, settings);
  if (!allowed.ok) return errorReply(allowed.message);
  const id = String(parsed.value.id).trim();
  const c = /^c_[a-z2-7]{10}$/.test(id) ? await deps.cases.get(id) : null;
  if (!c || c.workspaceId !== ctx.workspaceId) return errorReply(`No case "${id}" here. Case ids look like c_abcdefghij (see the card's title).`);
  return { kind: 'notice', text: caseTimeline(c), ephemeral: true };
}

function problemsText(problems: OptionProblem[]): string {
  return `Please fix: ${problems.map((p) => p.message).join('; ')}.`;
}
