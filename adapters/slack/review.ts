import type { webApi } from '@slack/bolt';
import { caseCardModel, caseCustomId, parseCaseCustomId, type Enforcements } from '../../commands/case-card.js';
import { authorNotice, digestModel, reporterOutcome } from '../../commands/notices.js';
import { splitSections } from '../../commands/sections.js';
import { describeError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { CaseService } from '../../src/moderation/cases.js';
import type { CaseEvent, Effect } from '../../src/moderation/lifecycle.js';
import type { DecisionResult } from '../../src/moderation/reviewers.js';
import { isModerator } from '../../src/moderation/preconditions.js';
import type { ReviewCase } from '../../src/store/case.js';
import type { KvStore } from '../../src/store/kv.js';
import type { SettingsRepository } from '../../src/store/settings-repository.js';
import type { SlackActors } from './actor.js';
import { reasonModal } from './modals.js';
import { caseCardBlocks, digestBlocks, noticeBlocks } from './render/blocks.js';
import { clip, escapeMrkdwn, SECTION_TEXT_MAX } from './render/text.js';

type WebClient = webApi.WebClient;

export interface SlackReviewDeps {
  client: WebClient;
  /** A workspace admin's user token (xoxp-): the only way a Slack app may delete another user's message. */
  adminClient: WebClient | null;
  cases: CaseService;
  settings: SettingsRepository;
  actors: SlackActors;
  kv: KvStore;
  logger: Logger;
}

export interface CardPlace {
  channelId: string;
  messageTs: string;
}

export interface ButtonPress {
  actionId: string;
  userId: string;
  channelId: string;
  messageTs: string;
  triggerId: string;
}

/**
 * Review in Slack: a card in the review channel with the model's answer in its thread, and every
 * button or modal turned into a lifecycle event whose effects are carried out and recorded.
 * Slack has no timeouts, and deleting a member's message needs an admin user token; without one
 * the card offers "Ask the author to edit" instead.
 */
export class SlackReview {
  private readonly can: Enforcements;

  constructor(private readonly deps: SlackReviewDeps) {
    this.can = { delete: deps.adminClient !== null, timeout: false, askEdit: true };
  }

  async postCard(c: ReviewCase): Promise<boolean> {
    const settings = await this.deps.settings.get(c.workspaceId);
    if (!settings.reviewChannelId) {
      this.deps.logger.warn({ caseId: c.id }, 'case opened but no review channel is set (/ethics config)');
      return false;
    }
    if (c.digest) return this.postDigest(c, settings.reviewChannelId);
    const posted = await this.deps.client.chat.postMessage({
      channel: settings.reviewChannelId,
      text: `Case ${c.id}: ${c.assessment.verdict}, severity ${c.assessment.severity}`,
      blocks: await this.cardBlocks(c),
      unfurl_links: false,
    });
    const ts = posted.ts as string;
    await this.deps.cases.attachCard(c.id, { channelId: settings.reviewChannelId, messageId: ts, threadId: ts });
    const intro = c.source === 'report' ? 'Reported by a member. What the model said' : 'What the model said';
    await this.postProse(settings.reviewChannelId, ts, intro, c.assessment.text || c.assessment.summary).catch((err: unknown) => {
      this.deps.logger.warn({ err, caseId: c.id }, 'could not post the model’s answer in the thread');
    });
    return true;
  }

  /** One digest message per flood window, updated as cases arrive. */
  private async postDigest(c: ReviewCase, channel: string): Promise<boolean> {
    const key = `digest-card:${c.workspaceId}:${c.digest}`;
    await this.deps.kv.withLock(key, async () => {
      const cases = (await this.deps.cases.listByWorkspace(c.workspaceId, { since: c.createdAt - 24 * 3_600_000, limit: 500 })).filter((x) => x.digest === c.digest);
      const blocks = digestBlocks(digestModel(c.digest as string, cases));
      const text = `Flood of cases: ${cases.length} in this window`;
      const ref = await this.deps.kv.get<{ ts: string }>(key);
      if (ref) await this.deps.client.chat.update({ channel, ts: ref.ts, text, blocks });
      else {
        const posted = await this.deps.client.chat.postMessage({ channel, text, blocks });
        await this.deps.kv.set(key, { ts: posted.ts as string }, 7 * 24 * 3_600_000);
      }
    });
    return true;
  }

  async onButton(press: ButtonPress): Promise<void> {
    const parsed = parseCaseCustomId(press.actionId);
    if (!parsed) return;
    const { action, caseId } = parsed;
    // The author appeals from the notice in their DMs: the lifecycle checks it is the author.
    if (action === 'appeal') {
      await this.deps.client.views.open({ trigger_id: press.triggerId, view: reasonModal(caseCustomId('appeal-text', caseId), 'Appeal', 'Your side: why was this not a problem?', press) });
      return;
    }
    const c = await this.authorised(press.userId, press.channelId, caseId);
    if (!c) return;
    // The button sits on the card, so the press says where the card is even before (or without)
    // the card being recorded on the case.
    const where = { channelId: press.channelId, messageTs: press.messageTs };
    switch (action) {
      case 'dismiss':
        if (c.status !== 'open') return this.ephemeral(press.channelId, press.userId, `This case was already ${c.status}; your click changed nothing.`);
        await this.deps.client.views.open({ trigger_id: press.triggerId, view: reasonModal(caseCustomId('dismiss-reason', caseId), 'Dismiss case', 'Why is this not a problem?', where) });
        return;
      case 'appeal-deny':
        await this.deps.client.views.open({ trigger_id: press.triggerId, view: reasonModal(caseCustomId('appeal-deny-reason', caseId), 'Deny appeal', 'Your reason (the author will see it)', where) });
        return;
      case 'why':
        return this.why(press.userId, c, where);
      case 'ask-edit':
        return this.askEdit(press.userId, c, where);
      case 'uphold':
        return this.act(press.userId, caseId, { type: 'uphold', actor: press.userId }, where);
      case 'delete':
        return this.act(press.userId, caseId, { type: 'enforce', actor: press.userId, action: 'delete' }, where);
      case 'appeal-accept':
        return this.act(press.userId, caseId, { type: 'appeal-accept', actor: press.userId }, where);
      default:
        return this.ephemeral(press.channelId, press.userId, 'That action is not available on Slack.');
    }
  }

  /** A submitted reason modal: dismiss, deny an appeal, or the author's appeal itself. */
  async onReasonModal(callbackId: string, userId: string, text: string, where: CardPlace): Promise<string | null> {
    const parsed = parseCaseCustomId(callbackId);
    if (!parsed) return null;
    const reason = text.trim().slice(0, 1500) || null;
    if (parsed.action === 'appeal-text') {
      const result = await this.deps.cases.apply(parsed.caseId, { type: 'appeal', actor: userId, text: reason ?? '' });
      // The appeal form opens from a DM, where an ephemeral to someone else cannot go: answer in theirs.
      if (!result.ok) {
        await this.dm(userId, result.message);
        return null;
      }
      await this.runEffects(result.case, result.effects, null, where);
      await this.dm(userId, 'Your appeal is with the moderators. You will hear back here.');
      return null;
    }
    const c = await this.authorised(userId, where.channelId, parsed.caseId);
    if (!c) return null;
    const event: CaseEvent | null =
      parsed.action === 'dismiss-reason' ? { type: 'dismiss', actor: userId, reason } : parsed.action === 'appeal-deny-reason' ? { type: 'appeal-deny', actor: userId, reason } : null;
    if (event) await this.act(userId, c.id, event, where);
    return null;
  }

  /** The digest's "Open a case…" menu posts that case's own card. */
  async openFromDigest(userId: string, channelId: string, caseId: string): Promise<void> {
    const c = await this.authorised(userId, channelId, caseId);
    if (!c) return;
    await this.postCard({ ...c, digest: null });
  }

  /** Pause the monitor in a channel, from the digest. */
  async pause(userId: string, reviewChannelId: string, workspaceId: string, channelId: string): Promise<void> {
    const settings = await this.deps.settings.get(workspaceId);
    if (!isModerator(await this.deps.actors.actor(userId, settings), settings).ok) return this.ephemeral(reviewChannelId, userId, 'Only moderators can act on review cases.');
    await this.deps.settings.update(workspaceId, (s) => {
      const channels = { ...s.channels };
      delete channels[channelId];
      return { ...s, channels };
    });
    await this.ephemeral(reviewChannelId, userId, `Monitoring paused in <#${channelId}>. Turn it back on with /ethics config.`, true);
  }

  private async act(userId: string, caseId: string, event: CaseEvent, where: CardPlace): Promise<void> {
    const result = await this.deps.cases.apply(caseId, event);
    if (!result.ok) return this.ephemeral(where.channelId, userId, result.message, true);
    const problems = await this.runEffects(result.case, result.effects, userId, where);
    await this.updateCard((await this.deps.cases.get(caseId)) ?? result.case, where);
    if (problems.length > 0) await this.ephemeral(where.channelId, userId, problems.join('\n'), true);
  }

  /** A decision taken in the web dashboard: the same transition, effects and card update as the buttons. */
  async decide(caseId: string, event: CaseEvent): Promise<DecisionResult> {
    const result = await this.deps.cases.apply(caseId, event);
    if (!result.ok) return { ok: false, message: result.message };
    const card = result.case.card;
    const where = card ? { channelId: card.channelId, messageTs: card.messageId } : null;
    const problems = await this.runEffects(result.case, result.effects, 'actor' in event ? event.actor : null, where);
    const latest = (await this.deps.cases.get(caseId)) ?? result.case;
    if (where) await this.updateCard(latest, where);
    return { ok: true, case: latest, problems };
  }

  /** Runs each effect against Slack, records it on the case, and returns what could not be done. */
  async runEffects(c: ReviewCase, effects: Effect[], moderatorId: string | null, where: CardPlace | null): Promise<string[]> {
    const problems: string[] = [];
    for (const effect of effects) {
      let result: { ok: boolean; detail: string };
      try {
        result = await this.execute(c, effect, moderatorId, where);
      } catch (err) {
        result = { ok: false, detail: `${effect.kind} failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (!result.ok) problems.push(result.detail);
      await this.deps.cases.recordEffect(c.id, effect, result);
    }
    if (effects.some((e) => e.kind === 'repost-deleted')) problems.push('A deleted Slack message cannot be restored; it was reposted in the case thread for the record.');
    return problems;
  }

  private async execute(c: ReviewCase, effect: Effect, moderatorId: string | null, where: CardPlace | null): Promise<{ ok: boolean; detail: string }> {
    const by = moderatorId ? ` (by <@${moderatorId}>)` : '';
    const place = `<#${c.channelId}>`;
    const thread = { channel: c.card?.channelId ?? where?.channelId ?? '', ts: c.card?.threadId ?? where?.messageTs ?? '' };
    switch (effect.kind) {
      case 'delete-message':
        if (!this.deps.adminClient || !c.messageId) return { ok: false, detail: 'Deleting another member’s message needs SLACK_ADMIN_USER_TOKEN; nothing was deleted.' };
        await this.deps.adminClient.chat.delete({ channel: c.channelId, ts: c.messageId, as_user: true });
        return { ok: true, detail: `Message deleted${by}` };
      case 'timeout-author':
      case 'remove-timeout':
        return { ok: false, detail: 'Slack has no timeouts.' };
      case 'repost-deleted':
        await this.deps.client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text: `:file_folder: *For the record* — this message by <@${c.authorId}> was deleted through this case; the case was then dismissed. Slack cannot restore it, so here it is:\n>${escapeMrkdwn(c.messageText).replace(/\n/g, '\n>')}`,
        });
        return { ok: true, detail: 'Deleted message reposted in the thread for the record' };
      case 'notify-author': {
        const notice = authorNotice(c, effect.notice, place);
        await this.dmBlocks(c.authorId, notice.title, noticeBlocks(c.id, notice));
        return { ok: true, detail: `Author notified (${effect.notice})` };
      }
      case 'notify-reporter':
        if (!c.reporterId) return { ok: true, detail: 'No reporter to notify' };
        await this.dm(c.reporterId, reporterOutcome(effect.outcome, place));
        return { ok: true, detail: 'Reporter told the outcome' };
      case 'post-appeal': {
        const rationale = await this.deps.cases.rationale(c, 'normguard').catch(() => null);
        await this.deps.client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text: 'Appeal from the author',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: '*Appeal from the author*' } },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: clip(`*The author’s side*\n${escapeMrkdwn(c.appeal?.text ?? '')}`, 2000) },
                { type: 'mrkdwn', text: clip(`*The model on why the norm matters*\n${escapeMrkdwn(rationale ? rationale.text || rationale.summary : 'The model was unavailable.')}`, 2000) },
              ],
            },
          ],
        });
        const latest = (await this.deps.cases.get(c.id)) ?? c;
        await this.updateCard(latest, { channelId: thread.channel, messageTs: c.card?.messageId ?? thread.ts });
        return { ok: true, detail: 'Appeal posted' };
      }
    }
  }

  /** Slack's stand-in for deleting: ask the author, privately, to edit or remove the message. */
  private async askEdit(moderatorId: string, c: ReviewCase, where: CardPlace): Promise<void> {
    await this.dm(c.authorId, `The moderators of <#${c.channelId}> ask you to edit or remove a message of yours: “${clip(c.messageText, 200)}”. ${c.assessment.norm ? `The norm at stake: ${c.assessment.norm}` : ''}`.trim());
    await this.deps.cases.note(c.id, 'normguard', `Author asked to edit the message (by <@${moderatorId}>)`);
    await this.updateCard((await this.deps.cases.get(c.id)) ?? c, where);
  }

  private async why(userId: string, c: ReviewCase, where: CardPlace): Promise<void> {
    try {
      const rationale = await this.deps.cases.rationale(c, userId);
      const channel = c.card?.channelId ?? where.channelId;
      const thread = c.card?.threadId ?? where.messageTs;
      await this.postProse(channel, thread, `Why “${escapeMrkdwn(rationale.norm ?? 'this norm')}” matters (asked by <@${userId}>)`, rationale.text || rationale.summary);
    } catch (err) {
      this.deps.logger.warn({ err, caseId: c.id }, 'rationale failed');
      await this.ephemeral(where.channelId, userId, describeError(err));
    }
  }

  private async authorised(userId: string, channelId: string, caseId: string): Promise<ReviewCase | null> {
    const c = await this.deps.cases.get(caseId);
    if (!c) {
      await this.ephemeral(channelId, userId, 'This case no longer exists; nothing was changed.');
      return null;
    }
    const settings = await this.deps.settings.get(c.workspaceId);
    const allowed = isModerator(await this.deps.actors.actor(userId, settings), settings);
    if (!allowed.ok) {
      await this.ephemeral(channelId, userId, allowed.message);
      return null;
    }
    return c;
  }

  private async cardBlocks(c: ReviewCase) {
    return caseCardBlocks(caseCardModel(c, await this.deps.cases.authorRecord(c), this.can));
  }

  private async updateCard(c: ReviewCase, where: CardPlace): Promise<void> {
    await this.deps.client.chat.update({
      channel: c.card?.channelId ?? where.channelId,
      ts: c.card?.messageId ?? where.messageTs,
      text: `Case ${c.id}: ${c.status}`,
      blocks: await this.cardBlocks(c),
    });
  }

  /** `heading` must already be safe mrkdwn. */
  private async postProse(channel: string, threadTs: string, heading: string, prose: string): Promise<void> {
    const sections = splitSections(prose);
    const body = sections.map((s) => (s.title ? `*${escapeMrkdwn(s.title)}:* ${escapeMrkdwn(s.body)}` : escapeMrkdwn(s.body))).join('\n\n');
    const text = `*${heading}*\n\n${body}`;
    await this.deps.client.chat.postMessage({ channel, thread_ts: threadTs, text: clip(text, 3 * SECTION_TEXT_MAX), unfurl_links: false });
  }

  private async dm(userId: string, text: string): Promise<void> {
    const { channel } = await this.deps.client.conversations.open({ users: userId });
    await this.deps.client.chat.postMessage({ channel: channel?.id ?? userId, text: escapeMrkdwn(text).replace(/&lt;([#@][A-Za-z0-9_]+)&gt;/g, '<$1>') });
  }

  private async dmBlocks(userId: string, text: string, blocks: ReturnType<typeof noticeBlocks>): Promise<void> {
    const { channel } = await this.deps.client.conversations.open({ users: userId });
    await this.deps.client.chat.postMessage({ channel: channel?.id ?? userId, text, blocks });
  }

  async ephemeral(channel: string, user: string, text: string, keepMentions = false): Promise<void> {
    await this.deps.client.chat.postEphemeral({ channel, user, text: keepMentions ? text : escapeMrkdwn(text) }).catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'could not send an ephemeral message');
    });
  }
}
