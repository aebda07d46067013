import type { Assessment } from '../assessment/types.js';
import type { Assessor } from '../assessment/assessor.js';
import type { Logger } from '../logger.js';
import type { CaseRepository } from '../store/case-repository.js';
import type { CaseCard, ReviewCase } from '../store/case.js';
import type { SettingsRepository } from '../store/settings-repository.js';
import { defaultWorkspaceSettings } from '../policy/settings.js';
import { afterEffect, transition, type CaseEvent, type Effect, type TransitionOutcome } from './lifecycle.js';
import type { IncomingMessage } from './message.js';

export interface OpenCaseInput {
  message: IncomingMessage;
  /** The conversation excerpt the model saw. */
  excerpt: string;
  assessment: Assessment;
  rule: string;
  /** Set when a member reported the message. */
  report?: { reporterId: string; note: string | null };
  /** The flood window the case is grouped into, if any. */
  digest?: string | null;
}

export type ApplyResult = TransitionOutcome | { ok: false; reason: 'not-found'; message: string };

export interface AuthorRecord {
  /** Earlier cases about this author in this workspace, this one excluded. */
  earlier: number;
  upheld: number;
  dismissed: number;
}


/**
 * The review lifecycle (DESIGN.md §3), platform-free: open a case for a flag, record a
 * moderator's decision exactly once, and ask the model why the norm matters.
 */
export class CaseService {
  constructor(
    private readonly repo: CaseRepository,
    private readonly assessor: Assessor,
    private readonly logger: Logger,
    /** Where the lifecycle's per-workspace policy comes from; defaults apply without it. */
    private readonly settings?: SettingsRepository,
  ) {}

  open(input: OpenCaseInput): Promise<ReviewCase> {
    const { message } = input;
    return this.repo.create({
      workspaceId: message.workspaceId,
      platform: message.platform,
      channelId: message.channelId,
      messageId: message.messageId,
      messageUrl: message.url ?? null,
      authorId: message.author.id,
      authorName: message.author.name,
      authorIsNew: message.author.isNew,
      messageText: message.text,
      context: input.excerpt,
      assessment: input.assessment,
      rule: input.rule,
      source: input.report ? 'report' : 'monitor',
      reporterId: input.report?.reporterId ?? null,
      reporterNote: input.report?.note ?? null,
      digest: input.digest ?? null,
    });
  }

  get(caseId: string): Promise<ReviewCase | null> {
    return this.repo.get(caseId);
  }

  attachCard(caseId: string, card: CaseCard): Promise<ReviewCase | null> {
    return this.repo.attachCard(caseId, card);
  }

  /**
   * The one way a case changes: the pure lifecycle transition, under the case's lock, so exactly
   * one of several concurrent moves wins and the others learn why.
   */
  async apply(caseId: string, event: CaseEvent): Promise<ApplyResult> {
    const current = await this.repo.get(caseId);
    if (!current) return { ok: false, reason: 'not-found', message: 'This case no longer exists; nothing was changed.' };
    const s = this.settings ? await this.settings.get(current.workspaceId) : defaultWorkspaceSettings();
    const policy = { notifyAuthors: s.notifyAuthors, appealTtlMs: s.appealTtlMs };
    const result = await this.repo.mutate(caseId, (c, now) => {
      const outcome = transition(c, event, policy, now);
      return { next: outcome.ok ? outcome.case : null, value: outcome };
    });
    if (!result) return { ok: false, reason: 'not-found', message: 'This case no longer exists; nothing was changed.' };
    return result.value.ok ? { ...result.value, case: result.case } : result.value;
  }

  /** Records what carrying out an effect did (or why it could not), on the case's history. */
  async recordEffect(caseId: string, effect: Effect, result: { ok: boolean; detail: string }): Promise<ReviewCase | null> {
    const done = await this.repo.mutate(caseId, (c, now) => ({ next: afterEffect(c, effect, result, now), value: null }));
    return done?.case ?? null;
  }

  /**
   * `/ethics forget`: removes a member's stored text from this workspace's cases — their flagged
   * messages, their appeals, their words in other cases' conversation excerpts (best effort, by
   * the names they were shown under), and their notes as a reporter. Verdicts and decisions stay,
   * so the stats still add up.
   */
  async forget(workspaceId: string, userId: string, actorId: string): Promise<{ cases: number }> {
    const all = await this.repo.listByWorkspace(workspaceId, { limit: 100_000 });
    const names = new Set(all.filter((c) => c.authorId === userId && c.authorName).map((c) => c.authorName));
    names.add(`<@${userId}>`);
    const REMOVED = '[removed at the member’s request]';
    const scrub = (excerpt: string) =>
      excerpt
        .split(' | ')
        .map((part) => ([...names].some((n) => part.startsWith(`${n}: `)) ? `${part.slice(0, part.indexOf(': '))}: ${REMOVED}` : part))
        .join(' | ');
    let touched = 0;
    for (const c of all) {
      const own = c.authorId === userId;
      const reported = c.reporterId === userId && c.reporterNote !== null;
      const context = scrub(c.context);
      if (!own && !reported && context === c.context) continue;
      touched++;
      await this.repo.mutate(c.id, (current, now) => ({
        next: {
          ...current,
          context: scrub(current.context),
          ...(own
            ? {
                messageText: REMOVED,
                authorName: '',
                assessment: { ...current.assessment, text: '', raw: undefined },
                appeal: current.appeal ? { ...current.appeal, text: REMOVED } : null,
                history: current.history.map((h) => (h.actor === userId ? { ...h, reason: h.reason === null ? null : REMOVED } : h)),
              }
            : {}),
          ...(current.reporterId === userId ? { reporterNote: null } : {}),
          history: [...(own ? current.history.map((h) => (h.actor === userId ? { ...h, reason: h.reason === null ? null : REMOVED } : h)) : current.history), { at: now, actor: actorId, action: 'note', reason: 'Stored text removed at the member’s request' }],
        },
        value: null,
      }));
    }
    return { cases: touched };
  }

  /** A free-text note on the case's history (e.g. an action taken outside the lifecycle). */
  async note(caseId: string, actor: string, text: string): Promise<void> {
    await this.repo.appendHistory(caseId, { actor, action: 'note', reason: text });
  }

  /** Open appeals past their deadline, for the sweeper that times them out (read from the appeals index). */
  expiredAppeals(workspaceId: string, now: number): Promise<ReviewCase[]> {
    return this.repo.dueAppeals(workspaceId, now);
  }

  listByWorkspace(workspaceId: string, options: { since?: number; limit?: number } = {}): Promise<ReviewCase[]> {
    return this.repo.listByWorkspace(workspaceId, options);
  }

  /** S4 on the case's norm, at review priority; recorded in the case history. */
  async rationale(c: ReviewCase, actorId: string, signal?: AbortSignal): Promise<Assessment> {
    const norm = c.assessment.norm ?? 'People should treat each other with respect.';
    const situation = c.context.length > 0 ? `${c.context} | ${c.authorName}: ${c.messageText}` : c.messageText;
    const assessment = await this.assessor.assess({
      strategy: 'norm-rationale',
      fields: { norm, situation },
      priority: 'review',
      signal,
    });
    await this.repo.appendHistory(c.id, { actor: actorId, action: 'rationale', reason: null }).catch((err: unknown) => {
      this.logger.warn({ err, caseId: c.id }, 'could not record the rationale request');
    });
    return assessment;
  }

  async authorRecord(c: ReviewCase): Promise<AuthorRecord> {
    const cases = (await this.repo.listByAuthor(c.workspaceId, c.authorId, { limit: 200 })).filter((x) => x.id !== c.id);
    return {
      earlier: cases.length,
      upheld: cases.filter((x) => x.status === 'upheld').length,
      dismissed: cases.filter((x) => x.status === 'dismissed').length,
    };
  }
}
