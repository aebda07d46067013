import type { Assessment } from '../assessment/types.js';
import type { Assessor } from '../assessment/assessor.js';
import type { Logger } from '../logger.js';
import type { CaseRepository, TransitionResult } from '../store/case-repository.js';
import type { CaseCard, ReviewCase } from '../store/case.js';
import type { IncomingMessage } from './message.js';

export interface OpenCaseInput {
  message: IncomingMessage;
  /** The conversation excerpt the model saw. */
  excerpt: string;
  assessment: Assessment;
  rule: string;
}

export interface AuthorRecord {
  /** Earlier cases about this author in this workspace, this one excluded. */
  earlier: number;
  upheld: number;
  dismissed: number;
}

export type CaseDecisionAction = 'uphold' | 'dismiss';

/**
 * The review lifecycle (DESIGN.md §3), platform-free: open a case for a flag, record a
 * moderator's decision exactly once, and ask the model why the norm matters.
 */
export class CaseService {
  constructor(
    private readonly repo: CaseRepository,
    private readonly assessor: Assessor,
    private readonly logger: Logger,
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
    });
  }

  get(caseId: string): Promise<ReviewCase | null> {
    return this.repo.get(caseId);
  }

  attachCard(caseId: string, card: CaseCard): Promise<ReviewCase | null> {
    return this.repo.attachCard(caseId, card);
  }

  /** Exactly one of several concurrent decisions on an open case wins; the others learn who did. */
  decide(caseId: string, actorId: string, action: CaseDecisionAction, reason?: string | null): Promise<TransitionResult> {
    return this.repo.transition(caseId, { actor: actorId, action, reason: reason ?? null, expectedStatus: 'open' });
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
