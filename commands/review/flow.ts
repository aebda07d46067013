import { describeError, isNotFound, PlatformError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { CaseService } from '../../src/moderation/cases.js';
import type { CaseEvent } from '../../src/moderation/lifecycle.js';
import type { IncomingMessage } from '../../src/moderation/message.js';
import type { MonitorOutcome } from '../../src/moderation/monitor.js';
import { isModerator } from '../../src/moderation/preconditions.js';
import type { ReviewCase } from '../../src/store/case.js';
import type { KvStore } from '../../src/store/kv.js';
import type { SettingsRepository } from '../../src/store/settings-repository.js';
import { caseCardModel, caseCustomId, inertMentions, TIMEOUTS, type CaseButtonAction, type CaseModal } from '../case-card.js';
import { digestModel } from '../notices.js';
import { splitSections } from '../sections.js';
import { codes, EffectRunner, threadOf } from './effects.js';
import type { MessagePlace, ReviewInteraction, ReviewSurface } from './surface.js';

export interface ReviewFlowDeps {
  surface: ReviewSurface;
  cases: CaseService;
  settings: SettingsRepository;
  kv: KvStore;
  logger: Logger;
}

/** Why a case has no card: said in the log in words an operator can act on. */
export type PostOutcome = { posted: true } | { posted: false; reason: 'no-review-channel' | 'review-channel-missing' | 'review-channel-forbidden' };

const DIGEST_TTL_MS = 7 * 24 * 3_600_000;
const GONE = 'This case no longer exists; nothing was changed.';

/**
 * Moderator review, written once for every platform (DESIGN.md §1.3): case cards with a thread,
 * the flood digest, every button and form turned into a lifecycle event, and the event's effects
 * carried out and recorded. A platform supplies only a ReviewSurface and its renderers.
 */
export class ReviewFlow {
  private readonly effects: EffectRunner;

  constructor(private readonly deps: ReviewFlowDeps) {
    this.effects = new EffectRunner(deps.surface, deps.cases, deps.logger, (c, card) => this.refreshCard(c, card));
  }

  /** What the monitor decided, shown: a card for a case, a coach note for an explanation. */
  async render(message: Pick<IncomingMessage, 'channelId' | 'messageId'> & { threadId?: string | null }, outcome: MonitorOutcome): Promise<void> {
    if (outcome.kind !== 'decided') return;
    if (outcome.case) await this.postCard(outcome.case);
    else if (outcome.explanation) await this.deps.surface.explain(message, outcome.explanation);
  }

  /** Posts the card and its thread (or folds the case into its flood window's digest). */
  async postCard(c: ReviewCase): Promise<PostOutcome> {
    const { surface, logger } = this.deps;
    const settings = await this.deps.settings.get(c.workspaceId);
    const channelId = settings.reviewChannelId;
    if (!channelId) {
      logger.warn({ caseId: c.id, workspace: c.workspaceId }, 'case opened but no review channel is set (/ethics config review_channel)');
      return { posted: false, reason: 'no-review-channel' };
    }
    try {
      if (c.digest) return await this.postDigest(c, channelId);
      const posted = await surface.postCard(channelId, await this.model(c));
      // Recorded before the slow part, so a moderator's first click already finds the card.
      await this.deps.cases.attachCard(c.id, { channelId, messageId: posted.messageId, threadId: posted.threadId });
      if (posted.threadId) await this.postIntro(c, { channelId, threadId: posted.threadId });
      return { posted: true };
    } catch (err) {
      if (!(err instanceof PlatformError) || (err.failure !== 'not-found' && err.failure !== 'forbidden')) throw err;
      const reason = err.failure === 'not-found' ? 'review-channel-missing' : 'review-channel-forbidden';
      const what = reason === 'review-channel-missing' ? 'the review channel is gone' : 'normguard may not post in the review channel';
      logger.error({ caseId: c.id, channel: channelId, ...codes(err) }, `case card not posted: ${what} (/ethics config review_channel)`);
      return { posted: false, reason };
    }
  }

  private async postIntro(c: ReviewCase, thread: { channelId: string; threadId: string }): Promise<void> {
    const heading = c.source === 'report' ? 'Reported by a member. What the model said' : 'What the model said';
    await this.deps.surface.postInThread(thread, { kind: 'prose', heading, sections: splitSections(inertMentions(c.assessment.text || c.assessment.summary)) }).catch((err: unknown) => {
      this.deps.logger.warn({ err, caseId: c.id, ...codes(err) }, 'could not post the model’s answer in the thread');
    });
  }

  /** One digest card per flood window, edited as cases arrive. */
  private async postDigest(c: ReviewCase, channelId: string): Promise<PostOutcome> {
    const { kv, surface } = this.deps;
    const key = `digest-card:${c.workspaceId}:${c.digest}`;
    await kv.withLock(key, async () => {
      const all = await this.deps.cases.listByWorkspace(c.workspaceId, { since: c.createdAt - 24 * 3_600_000, limit: 500 });
      const digest = digestModel(c.digest as string, all.filter((x) => x.digest === c.digest));
      const ref = await kv.get<{ messageId: string }>(key);
      let id: string;
      try {
        id = await surface.putDigest(channelId, digest, ref?.messageId ?? null);
      } catch (err) {
        // Someone deleted the digest: start a new one rather than lose the window.
        if (!ref || !isNotFound(err)) throw err;
        id = await surface.putDigest(channelId, digest, null);
      }
      if (id !== ref?.messageId) await kv.set(key, { messageId: id }, DIGEST_TTL_MS);
    });
    return { posted: true };
  }

  /** A card button. Appeals come from the author in a DM; everything else needs a moderator. */
  async onPress(ix: ReviewInteraction, action: CaseButtonAction, caseId: string): Promise<void> {
    if (action === 'appeal') return ix.askText({ id: caseCustomId('appeal-text', caseId), title: 'Appeal this decision', label: 'Your side: why was this not a problem?' });
    const c = await this.authorised(ix, caseId);
    if (!c) return;
    const by = ix.userId;
    switch (action) {
      case 'dismiss':
        if (c.status !== 'open') return ix.ephemeral(`This case was already ${c.status}; your click changed nothing.`);
        return ix.askText({ id: caseCustomId('dismiss-reason', caseId), title: `Dismiss ${c.id}`, label: 'Why is this not a problem?' });
      case 'appeal-deny':
        return ix.askText({ id: caseCustomId('appeal-deny-reason', caseId), title: `Deny the appeal on ${c.id}`, label: 'Your reason (the author will see it)' });
      case 'why':
        return this.why(ix, c);
      case 'ask-edit':
        return this.askEdit(ix, c);
      case 'uphold':
        return this.act(ix, c.id, { type: 'uphold', actor: by });
      case 'delete':
        return this.act(ix, c.id, { type: 'enforce', actor: by, action: 'delete' });
      case 'timeout-10m':
      case 'timeout-1h':
      case 'timeout-1d':
        return this.act(ix, c.id, { type: 'enforce', actor: by, action: 'timeout', durationMs: TIMEOUTS[action].ms });
      case 'appeal-accept':
        return this.act(ix, c.id, { type: 'appeal-accept', actor: by });
    }
  }

  /** A submitted case form: the author's appeal, or a moderator's reason. */
  async onForm(ix: ReviewInteraction, form: CaseModal, caseId: string, text: string): Promise<void> {
    const reason = text.trim().slice(0, 1500) || null;
    if (form === 'appeal-text') {
      await ix.defer('reply');
      const result = await this.deps.cases.apply(caseId, { type: 'appeal', actor: ix.userId, text: reason ?? '' });
      if (!result.ok) return ix.ephemeral(result.message);
      await ix.ephemeral('Your appeal is with the moderators. You will hear back here.');
      await this.effects.run(result.case, result.effects, null, null);
      return;
    }
    const c = await this.authorised(ix, caseId);
    if (!c) return;
    const event: CaseEvent = form === 'dismiss-reason' ? { type: 'dismiss', actor: ix.userId, reason } : { type: 'appeal-deny', actor: ix.userId, reason };
    await this.act(ix, c.id, event);
  }

  /** The digest's "Open a case…" menu posts that case's own card. */
  async openFromDigest(ix: ReviewInteraction, caseId: string): Promise<void> {
    const c = await this.authorised(ix, caseId);
    if (!c) return;
    await ix.defer('reply');
    await this.postCard({ ...c, digest: null });
    const card = (await this.deps.cases.get(caseId))?.card;
    const link = card ? await this.deps.surface.link({ workspaceId: c.workspaceId, channelId: card.channelId, messageId: card.messageId }) : null;
    await ix.ephemeral(`Opened ${c.id}. ${link ?? ''}`.trim());
  }

  /** Pause the monitor in a channel, from the flood digest. */
  async pause(ix: ReviewInteraction, workspaceId: string, channelId: string): Promise<void> {
    const settings = await this.deps.settings.get(workspaceId);
    const allowed = isModerator(await ix.actor(settings), settings);
    if (!allowed.ok) return ix.ephemeral(allowed.message);
    await this.deps.settings.update(workspaceId, (s) => {
      const channels = { ...s.channels };
      delete channels[channelId];
      return { ...s, channels };
    });
    await ix.ephemeral(`Monitoring paused in <#${channelId}>. Turn it back on with /ethics config.`);
  }

  /** Appeals past their deadline time out, and their authors are told. */
  async expireAppeals(workspaceId: string, now: number): Promise<number> {
    let expired = 0;
    for (const c of await this.deps.cases.expiredAppeals(workspaceId, now)) {
      const result = await this.deps.cases.apply(c.id, { type: 'appeal-expire' });
      if (!result.ok) continue;
      expired++;
      await this.effects.run(result.case, result.effects, null, null);
    }
    return expired;
  }

  /** A lifecycle event from a card: the card changes first, then effects run (DMs can be slow). */
  private async act(ix: ReviewInteraction, caseId: string, event: CaseEvent): Promise<void> {
    await ix.defer(ix.card ? 'update' : 'reply');
    const result = await this.deps.cases.apply(caseId, event);
    if (!result.ok) return ix.ephemeral(result.message);
    await this.refreshCard(result.case, ix.card, ix);
    const problems = await this.effects.run(result.case, result.effects, ix.userId, ix.card);
    // Enforcement and undo are recorded on the card's Actions line.
    if (result.effects.some((e) => e.kind !== 'notify-author' && e.kind !== 'notify-reporter' && e.kind !== 'post-appeal')) {
      await this.refreshCard((await this.deps.cases.get(caseId)) ?? result.case, ix.card, ix);
    }
    if (!ix.card) await ix.ephemeral(`Done: ${caseId} is ${result.case.status}.`);
    if (problems.length > 0) await ix.ephemeral(problems.join('\n'));
  }

  /** "Why this norm?": S4 on the case's norm, posted in the case thread. */
  private async why(ix: ReviewInteraction, c: ReviewCase): Promise<void> {
    await ix.defer('reply');
    let rationale;
    try {
      rationale = await this.deps.cases.rationale(c, ix.userId);
    } catch (err) {
      this.deps.logger.warn({ err, caseId: c.id, ...codes(err) }, 'rationale failed');
      return ix.ephemeral(describeError(err));
    }
    const text = inertMentions(rationale.text || rationale.summary);
    const thread = threadOf(c, ix.card);
    if (!thread) return ix.ephemeral(text);
    const norm = inertMentions(rationale.norm ?? 'this norm');
    await this.deps.surface.postInThread(thread, { kind: 'prose', heading: `Why “${norm}” matters (asked by <@${ix.userId}>)`, sections: splitSections(text) });
    await ix.ephemeral('Posted the rationale in the case thread.');
  }

  /** Where a platform cannot delete: ask the author, privately, to edit or remove the message. */
  private async askEdit(ix: ReviewInteraction, c: ReviewCase): Promise<void> {
    await ix.defer(ix.card ? 'update' : 'reply');
    const quoted = inertMentions(c.messageText.length > 200 ? `${c.messageText.slice(0, 199)}…` : c.messageText);
    const norm = c.assessment.norm ? ` The norm at stake: ${inertMentions(c.assessment.norm)}` : '';
    await this.deps.surface.dm(c.authorId, { kind: 'text', text: `The moderators of <#${c.channelId}> ask you to edit or remove a message of yours: “${quoted}”.${norm}` });
    await this.deps.cases.note(c.id, 'normguard', `Author asked to edit the message (by <@${ix.userId}>)`);
    await this.refreshCard((await this.deps.cases.get(c.id)) ?? c, ix.card, ix);
  }

  /** Loads the case and checks the moderator precondition; answers the user when either fails. */
  private async authorised(ix: ReviewInteraction, caseId: string): Promise<ReviewCase | null> {
    const c = await this.deps.cases.get(caseId);
    if (!c) {
      await ix.ephemeral(GONE);
      return null;
    }
    const settings = await this.deps.settings.get(c.workspaceId);
    const allowed = isModerator(await ix.actor(settings), settings);
    if (!allowed.ok) {
      await ix.ephemeral(allowed.message);
      return null;
    }
    return c;
  }

  private async model(c: ReviewCase) {
    const card = caseCardModel(c, await this.deps.cases.authorRecord(c), this.deps.surface.can);
    const link = c.messageId ? await this.deps.surface.link({ workspaceId: c.workspaceId, channelId: c.channelId, messageId: c.messageId }).catch((err: unknown) => {
      this.deps.logger.warn({ err, caseId: c.id, ...codes(err) }, 'no link to the flagged message; the stored one is shown');
      return null;
    }) : null;
    return { ...card, messageUrl: link ?? card.messageUrl };
  }

  private async refreshCard(c: ReviewCase, pressed: MessagePlace | null, ix?: ReviewInteraction): Promise<void> {
    const place = c.card ? { channelId: c.card.channelId, messageId: c.card.messageId } : pressed;
    if (!place) return;
    const model = await this.model(c);
    const same = pressed !== null && pressed.channelId === place.channelId && pressed.messageId === place.messageId;
    if (same && ix?.updateCard) await ix.updateCard(model);
    else await this.deps.surface.updateCard(place, model);
  }
}
