import { describeError, NormguardError, PlatformError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { CaseService } from '../../src/moderation/cases.js';
import type { Effect } from '../../src/moderation/lifecycle.js';
import type { ReviewCase } from '../../src/store/case.js';
import { inertMentions } from '../case-card.js';
import { authorNotice, reporterOutcome } from '../notices.js';
import type { MessagePlace, ReviewSurface, ThreadPlace } from './surface.js';

export interface EffectResult {
  ok: boolean;
  detail: string;
}

const DOING: Record<Effect['kind'], string> = {
  'delete-message': 'Deleting the message',
  'timeout-author': 'Timing the author out',
  'remove-timeout': 'Removing the timeout',
  'repost-deleted': 'Reposting the deleted message',
  'notify-author': 'Telling the author',
  'notify-reporter': 'Telling the reporter',
  'post-appeal': 'Posting the appeal',
};

/** The card's thread; a press on a card not yet recorded names the card, and its thread shares its id. */
export function threadOf(c: ReviewCase, card: MessagePlace | null): ThreadPlace | null {
  if (c.card?.threadId) return { channelId: c.card.channelId, threadId: c.card.threadId };
  if (card) return { channelId: card.channelId, threadId: card.messageId };
  return null;
}

/**
 * Carries out a transition's effects on the platform, records each outcome on the case, and
 * returns sentences for what could not be done, for the moderator who acted.
 */
export class EffectRunner {
  constructor(
    private readonly surface: ReviewSurface,
    private readonly cases: CaseService,
    private readonly logger: Logger,
    /** Refreshes the card after the appeal is posted (the flow's own card renderer). */
    private readonly refreshCard: (c: ReviewCase, card: MessagePlace | null) => Promise<void>,
  ) {}

  async run(c: ReviewCase, effects: readonly Effect[], moderatorId: string | null, card: MessagePlace | null): Promise<string[]> {
    const problems: string[] = [];
    for (const effect of effects) {
      let result: EffectResult;
      try {
        result = await this.execute(c, effect, moderatorId, card);
      } catch (err) {
        this.logger.warn({ err, caseId: c.id, effect: effect.kind, ...codes(err) }, 'effect failed');
        result = { ok: false, detail: `${DOING[effect.kind]} failed: ${describeError(err)}` };
      }
      if (!result.ok) problems.push(result.detail);
      await this.cases.recordEffect(c.id, effect, result);
    }
    if (effects.some((e) => e.kind === 'repost-deleted')) problems.push(this.surface.wording.noRestore);
    return problems;
  }

  private async execute(c: ReviewCase, effect: Effect, moderatorId: string | null, card: MessagePlace | null): Promise<EffectResult> {
    const by = moderatorId ? ` (by <@${moderatorId}>)` : '';
    const where = `<#${c.channelId}>`;
    const { surface } = this;
    switch (effect.kind) {
      case 'delete-message':
        if (!surface.deleteMessage || !c.messageId) return { ok: false, detail: surface.wording.noDelete };
        await surface.deleteMessage({ channelId: c.channelId, messageId: c.messageId });
        return { ok: true, detail: `Message deleted${by}` };
      case 'timeout-author':
        if (!surface.timeout) return { ok: false, detail: surface.wording.noTimeout };
        await surface.timeout(c.workspaceId, c.authorId, effect.untilMs, `normguard case ${c.id}`);
        return { ok: true, detail: `Author timed out until <t:${Math.floor(effect.untilMs / 1000)}:f>${by}` };
      case 'remove-timeout':
        if (!surface.timeout) return { ok: false, detail: surface.wording.noTimeout };
        await surface.timeout(c.workspaceId, c.authorId, null, `normguard case ${c.id} undone`);
        return { ok: true, detail: 'Timeout removed' };
      case 'repost-deleted': {
        const thread = threadOf(c, card);
        if (!thread) return { ok: false, detail: 'The deleted message could not be reposted: the case has no thread.' };
        await surface.postInThread(thread, { kind: 'record', authorId: c.authorId, authorName: c.authorName, text: c.messageText });
        return { ok: true, detail: 'Deleted message reposted in the thread for the record' };
      }
      case 'notify-author':
        await surface.dm(c.authorId, { kind: 'notice', caseId: c.id, notice: authorNotice(c, effect.notice, where) });
        return { ok: true, detail: `Author notified (${effect.notice})` };
      case 'notify-reporter':
        if (!c.reporterId) return { ok: true, detail: 'No reporter to notify' };
        await surface.dm(c.reporterId, { kind: 'text', text: reporterOutcome(effect.outcome, where) });
        return { ok: true, detail: 'Reporter told the outcome' };
      case 'post-appeal':
        return this.postAppeal(c, card);
    }
  }

  private async postAppeal(c: ReviewCase, card: MessagePlace | null): Promise<EffectResult> {
    const rationale = await this.cases.rationale(c, 'normguard').catch((err: unknown) => {
      this.logger.warn({ err, caseId: c.id, ...codes(err) }, 'no rationale for the appeal');
      return null;
    });
    const thread = threadOf(c, card);
    if (thread) {
      await this.surface.postInThread(thread, {
        kind: 'appeal',
        authorSide: inertMentions(c.appeal?.text ?? ''),
        rationale: inertMentions(rationale ? rationale.text || rationale.summary : 'The model was unavailable.'),
      });
    }
    await this.refreshCard((await this.cases.get(c.id)) ?? c, card);
    return { ok: true, detail: 'Appeal posted' };
  }
}

/** The codes worth a log line: ours, and the platform's own. */
export function codes(err: unknown): Record<string, unknown> {
  if (err instanceof PlatformError) return { code: err.code, failure: err.failure, platformCode: err.platformCode };
  if (err instanceof NormguardError) return { code: err.code };
  return {};
}
