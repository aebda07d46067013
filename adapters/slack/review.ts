import type { webApi } from '@slack/bolt';
import { caseCardModel, parseCaseCustomId } from '../../commands/case-card.js';
import { splitSections } from '../../commands/sections.js';
import { describeError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { CaseService } from '../../src/moderation/cases.js';
import { isModerator } from '../../src/moderation/preconditions.js';
import type { ReviewCase } from '../../src/store/case.js';
import type { SettingsRepository } from '../../src/store/settings-repository.js';
import type { SlackActors } from './actor.js';
import { dismissModal } from './modals.js';
import { caseCardBlocks } from './render/blocks.js';
import { clip, escapeMrkdwn, SECTION_TEXT_MAX } from './render/text.js';

type WebClient = webApi.WebClient;

export interface SlackReviewDeps {
  client: WebClient;
  cases: CaseService;
  settings: SettingsRepository;
  actors: SlackActors;
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

/** Review threads in Slack: a card in the review channel, the model's answer in its thread. */
export class SlackReview {
  constructor(private readonly deps: SlackReviewDeps) {}

  async postCard(c: ReviewCase): Promise<boolean> {
    const settings = await this.deps.settings.get(c.workspaceId);
    if (!settings.reviewChannelId) {
      this.deps.logger.warn({ caseId: c.id }, 'case opened but no review channel is set (/ethics config)');
      return false;
    }
    const card = caseCardModel(c, await this.deps.cases.authorRecord(c));
    const posted = await this.deps.client.chat.postMessage({
      channel: settings.reviewChannelId,
      text: `Case ${c.id}: ${c.assessment.verdict}, severity ${c.assessment.severity}`,
      blocks: caseCardBlocks(card),
      unfurl_links: false,
    });
    const ts = posted.ts as string;
    await this.deps.cases.attachCard(c.id, { channelId: settings.reviewChannelId, messageId: ts, threadId: ts });
    await this.postProse(settings.reviewChannelId, ts, 'What the model said', c.assessment.text || c.assessment.summary).catch((err: unknown) => {
      this.deps.logger.warn({ err, caseId: c.id }, 'could not post the model’s answer in the thread');
    });
    return true;
  }

  async onButton(press: ButtonPress): Promise<void> {
    const parsed = parseCaseCustomId(press.actionId);
    if (!parsed || parsed.action === 'dismiss-reason') return;
    const c = await this.authorised(press.userId, press.channelId, parsed.caseId);
    if (!c) return;
    // The button sits on the card, so the press says where the card is even before (or without)
    // the card being recorded on the case.
    const where = { channelId: press.channelId, messageTs: press.messageTs };
    if (parsed.action === 'uphold') {
      const result = await this.deps.cases.decide(c.id, press.userId, 'uphold');
      if (!result.ok) return this.alreadyDecided(press.userId, press.channelId, result.reason === 'not-found' ? null : result.case);
      await this.updateCard(result.case, where);
    } else if (parsed.action === 'dismiss') {
      if (c.status !== 'open') return this.alreadyDecided(press.userId, press.channelId, c);
      await this.deps.client.views.open({ trigger_id: press.triggerId, view: dismissModal(c.id, { channelId: press.channelId, messageTs: press.messageTs }) });
    } else {
      await this.why(press.userId, c, where);
    }
  }

  /** The dismiss modal carries the card's place in private_metadata. */
  async onDismissReason(callbackId: string, userId: string, reason: string, where: CardPlace): Promise<void> {
    const parsed = parseCaseCustomId(callbackId);
    if (!parsed || parsed.action !== 'dismiss-reason') return;
    const c = await this.authorised(userId, where.channelId, parsed.caseId);
    if (!c) return;
    const result = await this.deps.cases.decide(c.id, userId, 'dismiss', reason.trim().slice(0, 500) || null);
    if (!result.ok) return this.alreadyDecided(userId, where.channelId, result.reason === 'not-found' ? null : result.case);
    await this.updateCard(result.case, where);
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

  private async alreadyDecided(userId: string, channelId: string, c: ReviewCase | null): Promise<void> {
    if (!c) return this.ephemeral(channelId, userId, 'This case no longer exists; nothing was changed.');
    const last = [...c.history].reverse().find((h) => h.action === 'upheld' || h.action === 'dismissed');
    await this.ephemeral(channelId, userId, `This case was already ${c.status}${last ? ` by <@${last.actor}>` : ''}; your click changed nothing.`, true);
  }

  private async updateCard(c: ReviewCase, where: CardPlace): Promise<void> {
    await this.deps.client.chat.update({
      channel: c.card?.channelId ?? where.channelId,
      ts: c.card?.messageId ?? where.messageTs,
      text: `Case ${c.id}: ${c.status}`,
      blocks: caseCardBlocks(caseCardModel(c, await this.deps.cases.authorRecord(c))),
    });
  }

  /** `heading` must already be safe mrkdwn. */
  private async postProse(channel: string, threadTs: string, heading: string, prose: string): Promise<void> {
    const sections = splitSections(prose);
    const body = sections.map((s) => (s.title ? `*${escapeMrkdwn(s.title)}:* ${escapeMrkdwn(s.body)}` : escapeMrkdwn(s.body))).join('\n\n');
    // `heading` is built by us from escaped parts; everything from the model is escaped here.
    const text = `*${heading}*\n\n${body}`;
    await this.deps.client.chat.postMessage({ channel, thread_ts: threadTs, text: clip(text, 3 * SECTION_TEXT_MAX), unfurl_links: false });
  }

  async ephemeral(channel: string, user: string, text: string, keepMentions = false): Promise<void> {
    await this.deps.client.chat.postEphemeral({ channel, user, text: keepMentions ? text : escapeMrkdwn(text) }).catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'could not send an ephemeral message');
    });
  }
}
