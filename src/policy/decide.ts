import { severityRank, type Assessment, type Severity } from '../assessment/types.js';
import type { ChannelMode, WorkspaceSettings } from './settings.js';

export type Decision = 'flag' | 'explain' | 'silent';

export interface PolicyInput {
  assessment: Pick<Assessment, 'verdict' | 'severity'> & Partial<Pick<Assessment, 'score'>>;
  settings: WorkspaceSettings;
  channelId: string;
  author: { id: string; roleIds: readonly string[] };
  /** When the bot last flagged or explained this author, and last explained in this channel. */
  history: { lastActionOnAuthorAt?: number | null; lastExplainInChannelAt?: number | null };
  now: number;
}

export interface PolicyResult {
  decision: Decision;
  /** Stable name of the rule that fired, shown on case cards and counted in stats. */
  rule: string;
  /** What a `shadow` channel would have done; the decision itself is always silent there. */
  shadow?: Exclude<Decision, 'silent'>;
}

const atLeast = (s: Severity, threshold: Severity) => severityRank(s) >= severityRank(threshold);

/** The pure decision of DESIGN.md §3: (assessment, settings, history) → flag | explain | silent. */
export function decide(input: PolicyInput): PolicyResult {
  const { settings, assessment, author, channelId, history, now } = input;
  const channel = settings.channels[channelId];
  const mode: ChannelMode = channel?.mode ?? 'off';
  if (mode === 'off') return { decision: 'silent', rule: 'channel-off' };
  if (settings.exemptChannelIds.includes(channelId)) return { decision: 'silent', rule: 'exempt-channel' };
  if (settings.exemptUserIds.includes(author.id)) return { decision: 'silent', rule: 'exempt-user' };
  if (author.roleIds.some((r) => settings.exemptRoleIds.includes(r))) return { decision: 'silent', rule: 'exempt-role' };

  const judged = byScore(assessment, channel?.minScore ?? null);
  if (judged === 'below-score') return { decision: 'silent', rule: 'below-score-threshold' };
  const wanted = wantedAction(mode, judged, settings, channel?.unclearToReview ?? false);
  if (wanted.decision === 'silent') return wanted;

  // High severity is never muted by a cooldown: a repeat of something serious still needs eyes.
  const authorCooling =
    history.lastActionOnAuthorAt != null && now - history.lastActionOnAuthorAt < settings.cooldowns.authorMs;
  if (authorCooling && judged.severity !== 'high') return { decision: 'silent', rule: 'author-cooldown' };
  const channelCooling =
    history.lastExplainInChannelAt != null && now - history.lastExplainInChannelAt < settings.cooldowns.channelMs;
  if (wanted.decision === 'explain' && channelCooling) return { decision: 'silent', rule: 'channel-cooldown' };

  if (mode === 'shadow') return { decision: 'silent', rule: `shadow:${wanted.rule}`, shadow: wanted.decision };
  return wanted;
}

/**
 * A channel's score threshold replaces the verdict's own cut: below it, nothing to act on; at or
 * above it, a violation. Severity the model did not give (it called the action permissible or
 * unclear) counts as medium, the default for an unknown severity.
 */
function byScore(assessment: PolicyInput['assessment'], minScore: number | null): PolicyInput['assessment'] | 'below-score' {
  if (minScore === null || typeof assessment.score !== 'number') return assessment;
  if (assessment.score < minScore) return 'below-score';
  return { verdict: 'impermissible', severity: assessment.verdict === 'impermissible' ? assessment.severity : 'medium', score: assessment.score };
}

function wantedAction(
  mode: Exclude<ChannelMode, 'off'>,
  assessment: PolicyInput['assessment'],
  settings: WorkspaceSettings,
  unclearToReview: boolean,
): PolicyResult & { decision: Decision } {
  if (assessment.verdict === 'permissible') return { decision: 'silent', rule: 'permissible' };
  if (assessment.verdict === 'unclear') {
    return unclearToReview ? { decision: 'flag', rule: 'unclear-to-review' } : { decision: 'silent', rule: 'unclear' };
  }
  const { severity } = assessment;
  const { thresholds } = settings;
  if (mode === 'coach') {
    if (atLeast(severity, thresholds.coachFlag)) return { decision: 'flag', rule: 'coach-flag-threshold' };
    if (atLeast(severity, thresholds.explain)) return { decision: 'explain', rule: 'coach-explain-threshold' };
    return { decision: 'silent', rule: 'below-threshold' };
  }
  // `flag` and `shadow` (which decides as `flag` would, then stays quiet).
  if (atLeast(severity, thresholds.flag)) return { decision: 'flag', rule: 'flag-threshold' };
  return { decision: 'silent', rule: 'below-threshold' };
}
