import {
  ActionRowBuilder,
  EmbedBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type Client,
  type ModalSubmitInteraction,
  type SendableChannels,
  type StringSelectMenuInteraction,
} from 'discord.js';
import { caseCardModel, caseCustomId, parseCaseCustomId, TIMEOUTS, type Enforcements } from '../../commands/case-card.js';
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
import { actorOf } from './actor.js';
import { chunk, clip, LIMITS } from './limits.js';
import { caseCardMessage } from './render/case-card.js';
import { NO_PINGS } from './render/mentions.js';
import { DIGEST_OPEN, digestMessage, noticeMessage, PAUSE_PREFIX } from './render/notice.js';

export interface ReviewDeps {
  client: Client;
  cases: CaseService;
  settings: SettingsRepository;
  kv: KvStore;
  logger: Logger;
}

/** Discord can delete a message and time its author out (with Moderate Members). */
const CAN: Enforcements = { delete: true, timeout: true, askEdit: false };

type CardInteraction = ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction;

/**
 * Moderator review on Discord: case cards with a thread, every button and modal turned into a
 * lifecycle event, and the event's effects (delete, timeout, undo, notices) carried out and
 * recorded on the case.
 */
export class DiscordReview {
  constructor(private readonly deps: ReviewDeps) {}

  /** Posts the card and its thread (or folds the case into its flood window's digest). */
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
    if (c.digest) return this.postDigest(c, channel);
    const message = await channel.send({ ...(await this.cardPayload(c)), allowedMentions: NO_PINGS });
    const thread = await message.startThread({ name: clip(`${c.id} · ${c.authorName || c.authorId}`, LIMITS.threadName) }).catch((err: unknown) => {
      this.deps.logger.warn({ err, caseId: c.id }, 'could not open the case thread');
      return null;
    });
    // Recorded before the slow part, so a moderator's first click already finds the card.
    await this.deps.cases.attachCard(c.id, { channelId: channel.id, messageId: message.id, threadId: thread?.id ?? null });
    if (thread) {
      const intro = c.source === 'report' ? 'Reported by a member. What the model said' : 'What the model said';
      await this.postProse(thread, intro, c.assessment.text || c.assessment.summary).catch((err: unknown) => {
        this.deps.logger.warn({ err, caseId: c.id }, 'could not post the model’s answer in the thread');
      });
    }
    return true;
  }

  /** One digest card per flood window, edited as cases arrive. */
  private async postDigest(c: ReviewCase, channel: SendableChannels): Promise<boolean> {
    const key = `digest-card:${c.workspaceId}:${c.digest}`;
    await this.deps.kv.withLock(key, async () => {
      const cases = (await this.deps.cases.listByWorkspace(c.workspaceId, { since: c.createdAt - 24 * 3_600_000, limit: 500 })).filter((x) => x.digest === c.digest);
      const payload = { ...digestMessage(digestModel(c.digest as string, cases)), allowedMentions: NO_PINGS };
      const ref = await this.deps.kv.get<{ messageId: string }>(key);
      const existing = ref ? await channel.messages.fetch(ref.messageId).catch(() => null) : null;
      if (existing) await existing.edit(payload);
      else {
        const sent = await channel.send(payload);
        await this.deps.kv.set(key, { messageId: sent.id }, 7 * 24 * 3_600_000);
      }
    });
    return true;
  }

  async onButton(interaction: ButtonInteraction): Promise<void> {
    if (interaction.customId.startsWith(PAUSE_PREFIX)) return this.pause(interaction, interaction.customId.slice(PAUSE_PREFIX.length));
    const parsed = parseCaseCustomId(interaction.customId);
    if (!parsed) return;
    const { action, caseId } = parsed;
    // Appeals come from the author, in a DM: no moderator check, the lifecycle checks the author.
    if (action === 'appeal') return this.showModal(interaction, caseCustomId('appeal-text', caseId), 'Appeal this decision', 'Your side: why was this not a problem?');
    const c = await this.authorised(interaction, caseId);
    if (!c) return;
    switch (action) {
      case 'dismiss':
        if (c.status !== 'open') return this.refuse(interaction, `This case was already ${c.status}; your click changed nothing.`);
        return this.showModal(interaction, caseCustomId('dismiss-reason', caseId), `Dismiss ${c.id}`, 'Why is this not a problem?');
      case 'appeal-deny':
        return this.showModal(interaction, caseCustomId('appeal-deny-reason', caseId), `Deny the appeal on ${c.id}`, 'Your reason (the author will see it)');
      case 'why':
        return this.why(interaction, c);
      case 'uphold':
        return this.act(interaction, { type: 'uphold', actor: interaction.user.id });
      case 'delete':
        return this.act(interaction, { type: 'enforce', actor: interaction.user.id, action: 'delete' });
      case 'timeout-10m':
      case 'timeout-1h':
      case 'timeout-1d':
        return this.act(interaction, { type: 'enforce', actor: interaction.user.id, action: 'timeout', durationMs: TIMEOUTS[action].ms });
      case 'appeal-accept':
        return this.act(interaction, { type: 'appeal-accept', actor: interaction.user.id });
      default:
        return this.refuse(interaction, 'That button does nothing on Discord.');
    }
  }

  async onModal(interaction: ModalSubmitInteraction): Promise<void> {
    const parsed = parseCaseCustomId(interaction.customId);
    if (!parsed) return;
    const text = interaction.fields.getTextInputValue('text').trim().slice(0, 1500);
    if (parsed.action === 'appeal-text') {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const result = await this.deps.cases.apply(parsed.caseId, { type: 'appeal', actor: interaction.user.id, text });
      if (!result.ok) return void (await interaction.editReply({ content: result.message, allowedMentions: NO_PINGS }));
      await interaction.editReply({ content: 'Your appeal is with the moderators. You will hear back here.' });
      await this.runEffects(result.case, result.effects, null);
      return;
    }
    if (!(await this.authorised(interaction, parsed.caseId))) return;
    if (parsed.action === 'dismiss-reason') return this.act(interaction, { type: 'dismiss', actor: interaction.user.id, reason: text || null });
    if (parsed.action === 'appeal-deny-reason') return this.act(interaction, { type: 'appeal-deny', actor: interaction.user.id, reason: text || null });
  }

  /** The digest's "Open a case…" menu posts that case's own card. */
  async onSelect(interaction: StringSelectMenuInteraction): Promise<void> {
    if (!interaction.customId.startsWith(DIGEST_OPEN)) return;
    const caseId = interaction.values[0] ?? '';
    const c = await this.authorised(interaction, caseId);
    if (!c) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.postCard({ ...c, digest: null });
    const posted = await this.deps.cases.get(caseId);
    const link = posted?.card ? `https://discord.com/channels/${c.workspaceId}/${posted.card.channelId}/${posted.card.messageId}` : '';
    await interaction.editReply({ content: `Opened ${c.id}. ${link}`.trim() });
  }

  /** Carries out a lifecycle event from a card button or modal, then refreshes the card in place. */
  private async act(interaction: ButtonInteraction | ModalSubmitInteraction, event: CaseEvent): Promise<void> {
    const fromCard = interaction.isButton() || (interaction.isModalSubmit() && interaction.isFromMessage());
    if (fromCard) await interaction.deferUpdate();
    else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const parsed = parseCaseCustomId(interaction.customId);
    const result = await this.deps.cases.apply(parsed?.caseId ?? '', event);
    if (!result.ok) {
      await interaction.followUp({ content: result.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    const problems = await this.runEffects(result.case, result.effects, interaction.user.id);
    const latest = (await this.deps.cases.get(result.case.id)) ?? result.case;
    const payload = { ...(await this.cardPayload(latest)), allowedMentions: NO_PINGS };
    if (fromCard) await interaction.editReply(payload);
    else {
      await this.editCard(latest, payload);
      await interaction.editReply({ content: `Done: ${latest.id} is ${latest.status}.` });
    }
    if (problems.length > 0) await interaction.followUp({ content: clip(problems.join('\n'), LIMITS.content), flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  }

  /**
   * A decision taken in the web dashboard: the same transition, effects and card edit as the
   * card's buttons, without an interaction to answer.
   */
  async decide(caseId: string, event: CaseEvent): Promise<DecisionResult> {
    const result = await this.deps.cases.apply(caseId, event);
    if (!result.ok) return { ok: false, message: result.message };
    const problems = await this.runEffects(result.case, result.effects, 'actor' in event ? event.actor : null);
    const latest = (await this.deps.cases.get(result.case.id)) ?? result.case;
    await this.editCard(latest, { ...(await this.cardPayload(latest)), allowedMentions: NO_PINGS });
    return { ok: true, case: latest, problems };
  }

  /**
   * Runs each effect against Discord and records the outcome on the case. Returns sentences for
   * what could not be done (or undone), for the moderator who acted.
   */
  async runEffects(c: ReviewCase, effects: Effect[], moderatorId: string | null): Promise<string[]> {
    const problems: string[] = [];
    for (const effect of effects) {
      let result: { ok: boolean; detail: string };
      try {
        result = await this.execute(c, effect, moderatorId);
      } catch (err) {
        result = { ok: false, detail: `${describeEffect(effect)} failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (!result.ok) problems.push(result.detail);
      await this.deps.cases.recordEffect(c.id, effect, result);
    }
    if (effects.some((e) => e.kind === 'repost-deleted')) problems.push('A deleted message cannot be restored on Discord; it was reposted in the case thread for the record.');
    return problems;
  }

  private async execute(c: ReviewCase, effect: Effect, moderatorId: string | null): Promise<{ ok: boolean; detail: string }> {
    const by = moderatorId ? ` (by <@${moderatorId}>)` : '';
    const where = `<#${c.channelId}>`;
    switch (effect.kind) {
      case 'delete-message': {
        const channel = await this.deps.client.channels.fetch(c.channelId);
        if (!channel?.isTextBased() || !c.messageId) return { ok: false, detail: 'Could not delete: the message’s channel is gone.' };
        await channel.messages.delete(c.messageId);
        return { ok: true, detail: `Message deleted${by}` };
      }
      case 'timeout-author': {
        const guild = await this.deps.client.guilds.fetch(c.workspaceId);
        await guild.members.edit(c.authorId, { communicationDisabledUntil: effect.untilMs, reason: `normguard case ${c.id}` });
        return { ok: true, detail: `Author timed out until <t:${Math.floor(effect.untilMs / 1000)}:f>${by}` };
      }
      case 'remove-timeout': {
        const guild = await this.deps.client.guilds.fetch(c.workspaceId);
        await guild.members.edit(c.authorId, { communicationDisabledUntil: null, reason: `normguard case ${c.id} undone` });
        return { ok: true, detail: 'Timeout removed' };
      }
      case 'repost-deleted': {
        const thread = c.card?.threadId ? await this.deps.client.channels.fetch(c.card.threadId).catch(() => null) : null;
        if (!thread?.isSendable()) return { ok: false, detail: 'The deleted message could not be reposted: the case thread is gone.' };
        const quoted = c.messageText.split('\n').map((l) => `> ${l}`).join('\n');
        await thread.send({ content: clip(`🗂️ **For the record** — this message by <@${c.authorId}> was deleted through this case; the case was then dismissed. Discord cannot restore it, so here it is:\n${quoted}`, LIMITS.content), allowedMentions: NO_PINGS });
        return { ok: true, detail: 'Deleted message reposted in the thread for the record' };
      }
      case 'notify-author': {
        const notice = authorNotice(c, effect.notice, where);
        await (await this.deps.client.users.fetch(c.authorId)).send({ ...noticeMessage(c.id, notice), allowedMentions: NO_PINGS });
        return { ok: true, detail: `Author notified (${effect.notice})` };
      }
      case 'notify-reporter': {
        if (!c.reporterId) return { ok: true, detail: 'No reporter to notify' };
        await (await this.deps.client.users.fetch(c.reporterId)).send({ content: reporterOutcome(effect.outcome, where), allowedMentions: NO_PINGS });
        return { ok: true, detail: 'Reporter told the outcome' };
      }
      case 'post-appeal': {
        const rationale = await this.deps.cases.rationale(c, 'normguard').catch(() => null);
        const embed = new EmbedBuilder()
          .setTitle('Appeal from the author')
          .setColor(0xf1c40f)
          .addFields(
            { name: 'The author’s side', value: clip(c.appeal?.text ?? '', LIMITS.fieldValue) },
            { name: 'The model on why the norm matters', value: clip(rationale ? rationale.text || rationale.summary : 'The model was unavailable.', LIMITS.fieldValue) },
          );
        const thread = c.card?.threadId ? await this.deps.client.channels.fetch(c.card.threadId).catch(() => null) : null;
        if (thread?.isSendable()) await thread.send({ embeds: [embed], allowedMentions: NO_PINGS });
        const latest = (await this.deps.cases.get(c.id)) ?? c;
        await this.editCard(latest, { ...(await this.cardPayload(latest)), allowedMentions: NO_PINGS });
        return { ok: true, detail: 'Appeal posted' };
      }
    }
  }

  /** Pause the monitor in a channel, from the flood digest. */
  private async pause(interaction: ButtonInteraction, channelId: string): Promise<void> {
    const settings = await this.deps.settings.get(interaction.guildId ?? '');
    if (!isModerator(actorOf(interaction), settings).ok) return this.refuse(interaction, 'Only moderators can act on review cases.');
    await this.deps.settings.update(interaction.guildId ?? '', (s) => {
      const channels = { ...s.channels };
      delete channels[channelId];
      return { ...s, channels };
    });
    await interaction.reply({ content: `Monitoring paused in <#${channelId}>. Turn it back on with \`/ethics config channel:… mode:…\`.`, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
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
  private async authorised(interaction: CardInteraction, caseId: string): Promise<ReviewCase | null> {
    const c = await this.deps.cases.get(caseId);
    if (!c) {
      await this.refuse(interaction, 'This case no longer exists; nothing was changed.');
      return null;
    }
    const allowed = isModerator(actorOf(interaction), await this.deps.settings.get(c.workspaceId));
    if (!allowed.ok) {
      await this.refuse(interaction, allowed.message);
      return null;
    }
    return c;
  }

  private async refuse(interaction: CardInteraction, content: string): Promise<void> {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  }

  private async showModal(interaction: ButtonInteraction, customId: string, title: string, label: string): Promise<void> {
    const modal = new ModalBuilder()
      .setCustomId(customId)
      .setTitle(clip(title, LIMITS.modalTitle))
      .addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId('text').setLabel(clip(label, LIMITS.textInputLabel)).setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(1500),
        ),
      );
    await interaction.showModal(modal);
  }

  private async cardPayload(c: ReviewCase) {
    return caseCardMessage(caseCardModel(c, await this.deps.cases.authorRecord(c), CAN));
  }

  private async editCard(c: ReviewCase, payload: Record<string, unknown>): Promise<void> {
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

function describeEffect(effect: Effect): string {
  return {
    'delete-message': 'Deleting the message',
    'timeout-author': 'Timing the author out',
    'remove-timeout': 'Removing the timeout',
    'repost-deleted': 'Reposting the deleted message',
    'notify-author': 'Telling the author',
    'notify-reporter': 'Telling the reporter',
    'post-appeal': 'Posting the appeal',
  }[effect.kind];
}
