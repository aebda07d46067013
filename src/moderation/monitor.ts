import type { Assessor } from '../assessment/assessor.js';
import type { Assessment, VerdictMethod } from '../assessment/types.js';
import type { Clock } from '../clock.js';
import { NormguardError, errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { decide, type PolicyResult } from '../policy/decide.js';
import type { WorkspaceSettings } from '../policy/settings.js';
import type { DedupeStore } from '../store/dedupe.js';
import type { ReviewCase } from '../store/case.js';
import type { SettingsRepository } from '../store/settings-repository.js';
import type { ActivityLog } from './activity-log.js';
import type { CaseService } from './cases.js';
import type { BufferedMessage, ConversationBuffer } from './conversation-buffer.js';
import { explanationText } from './explain.js';
import type { IncomingMessage } from './message.js';
import { authorSkipReason, settingsSkipReason, textSkipReason, type SkipReason } from './prefilter.js';
import { RepeatCache } from './repeat-cache.js';
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
  /**
   * Verdicts reused for word-for-word repeats (repeat-cache.ts). By default one in memory, kept
   * as long as the assessor's cache TTL (none when that is 0); `false` turns it off.
   */
  repeats?: RepeatCache | false;
}

/** What `Monitor.screen` found: the final outcome, or an audit still to run. */
export type Screening = { kind: 'done'; outcome: MonitorOutcome } | PendingAudit;

/** A message that passed the screen; `Monitor.audit` finishes it. */
export interface PendingAudit {
  kind: 'audit';
  /** False when the verdict is known without the GPU: a repeat, or the same text already being audited. */
  needsModel: boolean;
  message: IncomingMessage;
  settings: WorkspaceSettings;
  /** The messages before this one, for the situation the model reads. */
  context: readonly BufferedMessage[];
  /** The repeat cache's answer, when it had one. */
  repeat: Assessment | null;
  repeatKey: string | null;
}

/** A replayed gateway event or a retried Slack delivery must not be audited twice. */
const DEDUPE_TTL_MS = 24 * 60 * 60_000;

/**
 * Passive monitoring (DESIGN.md §1.2): screen cheaply, audit what is worth it with the recent
 * conversation as context, and let the policy decide. Adapters render what comes back.
 */
export class Monitor {
  private readonly repeats: RepeatCache | null;

  constructor(private readonly deps: MonitorDeps) {
    const ttlMs = deps.assessor.cacheTtlMs;
    this.repeats = deps.repeats === false ? null : (deps.repeats ?? (ttlMs > 0 ? new RepeatCache({ ttlMs, clock: deps.clock }) : null));
  }

  async handle(message: IncomingMessage): Promise<MonitorOutcome> {
    const screening = await this.screen(message);
    return screening.kind === 'done' ? screening.outcome : this.audit(screening);
  }

  /**
   * Everything `handle` does to decide whether a message needs the model, cheapest first: the
   * conversation buffer, the checks that need no settings (bots, webhooks, text with nothing to
   * judge: about half of all chat, which so never touches the store), the settings, the event
   * dedupe and the repeat cache. The prompt is built later, by `audit`, only for what goes on.
   */
  async screen(message: IncomingMessage): Promise<Screening> {
    const { deps } = this;
    // Context is what came before this message; every message joins it, skipped or not.
    const context = deps.buffer.before(message.workspaceId, message.channelId, message.messageId, CONTEXT_MESSAGES);
    deps.buffer.push(message);
    const early = authorSkipReason(message) ?? textSkipReason(message);
    if (early) return { kind: 'done', outcome: { kind: 'skipped', reason: early } };
    const settings = await deps.settings.get(message.workspaceId);
    const skip = settingsSkipReason(message, settings);
    if (skip) return { kind: 'done', outcome: { kind: 'skipped', reason: skip } };
    const fresh = await deps.dedupe.claim(`audit:${message.platform}:${message.workspaceId}:${message.channelId}:${message.messageId}`, DEDUPE_TTL_MS);
    if (!fresh) return { kind: 'done', outcome: { kind: 'skipped', reason: 'duplicate' } };

    const repeatKey = this.repeats?.key(message.workspaceId, message.text) ?? null;
    const repeat = repeatKey === null ? null : (this.repeats?.get(repeatKey) ?? null);
    const needsModel = repeat === null && !(repeatKey !== null && this.repeats?.inFlight(repeatKey));
    return { kind: 'audit', needsModel, message, settings, context, repeat, repeatKey };
  }

  /** The rest of `handle`: the verdict (from a cache or the model), the policy, and what it decided. */
  async audit(pending: PendingAudit): Promise<MonitorOutcome> {
    const { deps } = this;
    const { message, settings } = pending;
    const { excerpt, ...fields } = auditFields(
      { authorName: message.author.name, text: message.text, replyToName: message.replyTo?.authorName ?? null },
      pending.context,
    );
    // The repeat cache stands in for the assessment cache here: a passive frame never repeats.
    const request = { strategy: 'permissibility' as const, fields, priority: 'passive' as const, method: deps.method, cache: false };
    let assessment: Assessment;
    try {
      assessment = pending.repeat ?? (await this.verdict(pending.repeatKey, () => deps.assessor.assess(request)));
    } catch (err) {
      return this.failed(message, err);
    }
    // Made on first use: most audits log nothing at the default level, and a child logger per message adds up.
    let logger: Logger | null = null;
    const log = () => (logger ??= this.logFor(message));

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
    if (deps.logger.isLevelEnabled('debug')) log().debug({ verdict: assessment.verdict, severity: assessment.severity, decision: policy.decision, rule: policy.rule }, 'audited');
    if (policy.decision === 'silent') return { kind: 'decided', assessment, policy };

    await deps.activity.recordAction(message.workspaceId, message.author.id, message.channelId, policy.decision, settings.cooldowns);
    if (policy.decision === 'explain') return { kind: 'decided', assessment, policy, explanation: explanationText(assessment) };

    // The card needs the model's reasoning; a `fast` screen has none yet.
    let full = assessment;
    try {
      full = await deps.assessor.elaborate({ ...request, priority: 'review' }, assessment);
    } catch (err) {
      log().warn({ err }, 'could not get the model’s prose for the case card; opening the case without it');
    }
    // A raid: beyond the workspace's rate, cases are grouped into one digest card per window.
    const flood = await deps.activity.floodTick(message.workspaceId, settings.flood.windowMs);
    const digest = flood.count > settings.flood.maxCases ? flood.windowId : null;
    const opened = await deps.cases.open({ message, excerpt, assessment: full, rule: policy.rule, digest });
    log().info({ caseId: opened.id, rule: policy.rule }, 'case opened');
    return { kind: 'decided', assessment: full, policy, case: opened };
  }

  /** The model's verdict, remembered for repeats; an identical audit already in flight is joined. */
  private verdict(repeatKey: string | null, ask: () => Promise<Assessment>): Promise<Assessment> {
    return this.repeats === null || repeatKey === null ? ask() : this.repeats.join(repeatKey, ask);
  }

  /** A logger with the message's ids on every line. */
  private logFor(message: IncomingMessage): Logger {
    return this.deps.logger.child({ workspace: message.workspaceId, channel: message.channelId, message: message.messageId });
  }

  private async failed(message: IncomingMessage, err: unknown): Promise<MonitorOutcome> {
    const error = err instanceof NormguardError ? err : new NormguardError('MODEL_UNAVAILABLE', String(err));
    this.logFor(message).warn({ code: error.code }, `passive audit failed: ${error.message}`);
    // The failure is already reported; a counter that cannot be written must not hide it.
    await this.deps.activity.count(message.workspaceId, 'failed').catch((countErr: unknown) => {
      this.logFor(message).warn({ err: countErr, code: errorCodeOf(countErr) }, 'could not count a failed audit');
    });
    return { kind: 'failed', error };
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
