import type { Assessor } from '../assessment/assessor.js';
import type { Assessment, VerdictMethod } from '../assessment/types.js';
import type { Clock } from '../clock.js';
import { NormguardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { decide, type PolicyResult } from '../policy/decide.js';
import type { DedupeStore } from '../store/dedupe.js';
import type { ReviewCase } from '../store/case.js';
import type { SettingsRepository } from '../store/settings-repository.js';
import type { ActivityLog } from './activity-log.js';
import type { CaseService } from './cases.js';
import type { ConversationBuffer } from './conversation-buffer.js';
import { explanationText } from './explain.js';
import type { IncomingMessage } from './message.js';
import { prefilter, type SkipReason } from './prefilter.js';
import { auditFields, CONTEXT_MESSAGES } from './situation.js';

export type MonitorOutcome =
  | { kind: 'skipped'; reason: SkipReason | 'duplicate' }
  | { kind: 'failed'; error: NormguardError }
  | { kind: 'decided'; assessment: Assessment; policy: PolicyResult; case?: ReviewCase; explanation?: string };

export interface MonitorDeps {
  assessor: Assessor;
  settings: SettingsRepository;
  cases: CaseService;
  activity: ActivityLog;
  dedupe: DedupeStore;
  buffer: ConversationBuffer;
  clock: Clock;
  logger: Logger;
  /** Passive screening uses `fast` by default: a few dozen tokens, prose only when flagged. */
  method: VerdictMethod;
}

/** A replayed gateway event or a retried Slack delivery must not be audited twice. */
const DEDUPE_TTL_MS = 24 * 60 * 60_000;

/**
 * Passive monitoring (DESIGN.md §1.2): screen cheaply, audit what is worth it with the recent
 * conversation as context, and let the policy decide. Adapters render what comes back.
 */
export class Monitor {
  constructor(private readonly deps: MonitorDeps) {}

  async handle(message: IncomingMessage): Promise<MonitorOutcome> {
    const { deps } = this;
    const log = deps.logger.child({ workspace: message.workspaceId, channel: message.channelId, message: message.messageId });
    const settings = await deps.settings.get(message.workspaceId);
    const context = deps.buffer.before(message.workspaceId, message.channelId, message.messageId, CONTEXT_MESSAGES);
    deps.buffer.push(message);
    const skip = prefilter(message, settings);
    if (skip) return { kind: 'skipped', reason: skip };
    const fresh = await deps.dedupe.claim(`audit:${message.platform}:${message.workspaceId}:${message.channelId}:${message.messageId}`, DEDUPE_TTL_MS);
    if (!fresh) return { kind: 'skipped', reason: 'duplicate' };

    const { excerpt, ...fields } = auditFields(
      { authorName: message.author.name, text: message.text, replyToName: message.replyTo?.authorName ?? null },
      context,
    );
    const request = { strategy: 'permissibility' as const, fields, priority: 'passive' as const, method: deps.method };
    let assessment: Assessment;
    try {
      assessment = await deps.assessor.assess(request);
    } catch (err) {
      const error = err instanceof NormguardError ? err : new NormguardError('MODEL_UNAVAILABLE', String(err));
      log.warn({ code: error.code }, `passive audit failed: ${error.message}`);
      await deps.activity.count(message.workspaceId, 'failed').catch(() => undefined);
      return { kind: 'failed', error };
    }

    const [lastActionOnAuthorAt, lastExplainInChannelAt] = await Promise.all([
      deps.activity.lastActionOnAuthor(message.workspaceId, message.author.id),
      deps.activity.lastExplainInChannel(message.workspaceId, message.channelId),
    ]);
    const policy = decide({
      assessment,
      settings,
      channelId: message.channelId,
      author: { id: message.author.id, roleIds: message.author.roleIds },
      history: { lastActionOnAuthorAt, lastExplainInChannelAt },
      now: deps.clock.now(),
    });
    await this.count(message.workspaceId, assessment, policy);
    log.debug({ verdict: assessment.verdict, severity: assessment.severity, decision: policy.decision, rule: policy.rule }, 'audited');
    if (policy.decision === 'silent') return { kind: 'decided', assessment, policy };

    await deps.activity.recordAction(message.workspaceId, message.author.id, message.channelId, policy.decision, settings.cooldowns);
    if (policy.decision === 'explain') return { kind: 'decided', assessment, policy, explanation: explanationText(assessment) };

    // The card needs the model's reasoning; a `fast` screen has none yet.
    let full = assessment;
    try {
      full = await deps.assessor.explain({ ...request, priority: 'review' }, assessment);
    } catch (err) {
      log.warn({ err }, 'could not get the model’s prose for the case card; opening the case without it');
    }
    // A raid: beyond the workspace's rate, cases are grouped into one digest card per window.
    const flood = await deps.activity.floodTick(message.workspaceId, settings.flood.windowMs);
    const digest = flood.count > settings.flood.maxCases ? flood.windowId : null;
    const opened = await deps.cases.open({ message, excerpt, assessment: full, rule: policy.rule, digest });
    log.info({ caseId: opened.id, rule: policy.rule }, 'case opened');
    return { kind: 'decided', assessment: full, policy, case: opened };
  }

  private async count(workspaceId: string, assessment: Assessment, policy: PolicyResult): Promise<void> {
    const { activity } = this.deps;
    try {
      await activity.count(workspaceId, 'audited');
      if (assessment.verdict === 'unclear') await activity.count(workspaceId, 'unclear');
      if (policy.shadow === 'flag') await activity.count(workspaceId, 'shadowFlag');
      else if (policy.shadow === 'explain') await activity.count(workspaceId, 'shadowExplain');
      else await activity.count(workspaceId, policy.decision);
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not record decision counters');
    }
  }
}
