import {
  ActionRowBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  MessageFlags,
  type ButtonInteraction,
  type Client,
  type ModalSubmitInteraction,
  type SendableChannels,
} from 'discord.js';
import { caseCardModel, caseCustomId, parseCaseCustomId } from '../../commands/case-card.js';
import { splitSections } from '../../commands/sections.js';
import { describeError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { CaseService } from '../../src/moderation/cases.js';
import { isModerator } from '../../src/moderation/preconditions.js';
import type { ReviewCase } from '../../src/store/case.js';
import type { SettingsRepository } from '../../src/store/settings-repository.js';
import { actorOf } from './actor.js';
import { chunk, clip, LIMITS } from './limits.js';
import { caseCardMessage } from './render/case-card.js';
import { NO_PINGS } from './render/mentions.js';

export interface ReviewDeps {
  client: Client;
  cases: CaseService;
  settings: SettingsRepository;
  logger: Logger;
}

/**
 * Moderator review threads on Discord: post a case card with a thread holding the model's full
 * answer, and turn button presses into decisions through the core's case service.
 */
export class DiscordReview {
  constructor(private readonly deps: ReviewDeps) {}

  /** Posts the card and its thread; returns false when no review channel is configured. */
  async postCard(c: ReviewCase): Promise<boolean> {
    const settings = await this.deps.settings.get(c.workspaceId);
    if (!settings.reviewChannelId) {
      this.deps.logger.warn({ caseId: c.id, guild: c.workspaceId }, 'case opened but no review channel is set (/ethics config review_channel)');
      return false;
    }
    const channel = await this.deps.client.channels.fetch(settings.reviewChannelId).catch(() => null);
    if (!channel || !channel.isSendable() || !('threads' in channel)) {
      this.deps.logger.warn({ caseId: c.id, channel: settings.reviewChannelId }, 'review channel is missing or not a text channel');
      return false;
    }
    const card = caseCardModel(c, await this.deps.cases.authorRecord(c));
    const message = await channel.send({ ...caseCardMessage(card), allowedMentions: NO_PINGS });
    const thread = await message.startThread({ name: clip(`${c.id} · ${c.authorName || c.authorId}`, LIMITS.threadName) }).catch((err: unknown) => {
      this.deps.logger.warn({ err, caseId: c.id }, 'could not open the case thread');
      return null;
    });
    // Recorded before the slow part, so a moderator's first click already finds the card.
    await this.deps.cases.attachCard(c.id, { channelId: channel.id, messageId: message.id, threadId: thread?.id ?? null });
    if (thread) {
      await this.postProse(thread, 'What the model said', c.assessment.text || c.assessment.summary).catch((err: unknown) => {
        this.deps.logger.warn({ err, caseId: c.id }, 'could not post the model’s answer in the thread');
      });
    }
    return true;
  }

  async onButton(interaction: ButtonInteraction): Promise<void> {
    const parsed = parseCaseCustomId(interaction.customId);
    if (!parsed) return;
    const c = await this.authorised(interaction, parsed.caseId);
    if (!c) return;
    if (parsed.action === 'dismiss') {
      if (c.status !== 'open') return this.alreadyDecided(interaction, c);
      const modal = new ModalBuilder()
        .setCustomId(caseCustomId('dismiss-reason', c.id))
        .setTitle(clip(`Dismiss ${c.id}`, LIMITS.modalTitle))
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder().setCustomId('reason').setLabel('Why is this not a problem?').setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(500),
          ),
        );
      await interaction.showModal(modal);
      return;
    }
    if (parsed.action === 'uphold') {
      const result = await this.deps.cases.decide(c.id, interaction.user.id, 'uphold');
      if (!result.ok) return this.alreadyDecided(interaction, result.reason === 'not-found' ? null : result.case);
      await interaction.update({ ...caseCardMessage(caseCardModel(result.case, await this.deps.cases.authorRecord(result.case))), allowedMentions: NO_PINGS });
      return;
    }
    await this.why(interaction, c);
  }

  async onModal(interaction: ModalSubmitInteraction): Promise<void> {
    const parsed = parseCaseCustomId(interaction.customId);
    if (!parsed || parsed.action !== 'dismiss-reason') return;
    const c = await this.authorised(interaction, parsed.caseId);
    if (!c) return;
    const reason = interaction.fields.getTextInputValue('reason').trim().slice(0, 500) || null;
    const result = await this.deps.cases.decide(c.id, interaction.user.id, 'dismiss', reason);
    if (!result.ok) return this.alreadyDecided(interaction, result.reason === 'not-found' ? null : result.case);
    const payload = { ...caseCardMessage(caseCardModel(result.case, await this.deps.cases.authorRecord(result.case))), allowedMentions: NO_PINGS };
    if (interaction.isFromMessage()) {
      await interaction.update(payload);
    } else {
      await interaction.reply({ content: `Dismissed ${c.id}.`, flags: MessageFlags.Ephemeral });
      await this.editCard(result.case, payload);
    }
  }

  /** "Why this norm?": S4 on the case's norm, posted in the case thread. */
  private async why(interaction: ButtonInteraction, c: ReviewCase): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    try {
      const rationale = await this.deps.cases.rationale(c, interaction.user.id);
      // A thread started on a message shares the message's id: the card the button sits on.
      const threadId = c.card ? c.card.threadId : interaction.message.id;
      const thread = threadId ? await this.deps.client.channels.fetch(threadId).catch(() => null) : null;
      const text = rationale.text || rationale.summary;
      if (thread?.isSendable()) {
        await this.postProse(thread, `Why “${clip(rationale.norm ?? 'this norm', 200)}” matters (asked by <@${interaction.user.id}>)`, text);
        await interaction.editReply({ content: 'Posted the rationale in the case thread.', allowedMentions: NO_PINGS });
      } else {
        await interaction.editReply({ content: clip(text, LIMITS.content), allowedMentions: NO_PINGS });
      }
    } catch (err) {
      this.deps.logger.warn({ err, caseId: c.id }, 'rationale failed');
      await interaction.editReply({ content: describeError(err), allowedMentions: NO_PINGS });
    }
  }

  /** Loads the case and checks the moderator precondition; answers the user when either fails. */
  private async authorised(interaction: ButtonInteraction | ModalSubmitInteraction, caseId: string): Promise<ReviewCase | null> {
    const c = await this.deps.cases.get(caseId);
    if (!c) {
      await interaction.reply({ content: 'This case no longer exists; nothing was changed.', flags: MessageFlags.Ephemeral });
      return null;
    }
    const allowed = isModerator(actorOf(interaction), await this.deps.settings.get(c.workspaceId));
    if (!allowed.ok) {
      await interaction.reply({ content: allowed.message, flags: MessageFlags.Ephemeral });
      return null;
    }
    return c;
  }

  private async alreadyDecided(interaction: ButtonInteraction | ModalSubmitInteraction, c: ReviewCase | null): Promise<void> {
    if (!c) {
      await interaction.reply({ content: 'This case no longer exists; nothing was changed.', flags: MessageFlags.Ephemeral });
      return;
    }
    const last = [...c.history].reverse().find((h) => h.action === 'upheld' || h.action === 'dismissed');
    const who = last ? ` by <@${last.actor}> <t:${Math.floor(last.at / 1000)}:R>` : '';
    await interaction.reply({ content: `This case was already ${c.status}${who}; your click changed nothing.`, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  }

  private async editCard(c: ReviewCase, payload: Parameters<SendableChannels['send']>[0] & object): Promise<void> {
    if (!c.card) return;
    const channel = await this.deps.client.channels.fetch(c.card.channelId).catch(() => null);
    if (!channel?.isTextBased()) return;
    const message = await channel.messages.fetch(c.card.messageId).catch(() => null);
    await message?.edit(payload as never);
  }

  private async postProse(channel: SendableChannels, heading: string, prose: string): Promise<void> {
    const sections = splitSections(prose);
    const text = [`**${heading}**`, ...sections.map((s) => (s.title ? `**${s.title}:** ${s.body}` : s.body))].join('\n\n');
    for (const part of chunk(text)) await channel.send({ content: part, allowedMentions: NO_PINGS });
  }
}
