import {
  ActionRowBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { CaseCardModel } from '../../../commands/case-card.js';
import type { MessagePlace, ReviewInteraction, TextForm } from '../../../commands/review/surface.js';
import { caseCardMessage } from '../render/case-card.js';
import { actorOf } from '../actor.js';
import { discordCall } from '../errors.js';
import { clip, LIMITS } from '../limits.js';
import { NO_PINGS } from '../render/mentions.js';

export type CardInteraction = ButtonInteraction | ModalSubmitInteraction | StringSelectMenuInteraction;

/**
 * A Discord component or modal interaction as the review flow answers it. Discord takes one
 * callback within 3 s: a defer, a modal, or a reply; everything after is an edit or a follow-up.
 */
export function discordInteraction(interaction: CardInteraction): ReviewInteraction {
  const fromMessage = !interaction.isModalSubmit() || interaction.isFromMessage();
  const message = fromMessage && interaction.message && interaction.inGuild() ? interaction.message : null;
  let deferredReply = false;
  let deferredUpdate = false;
  let firstEditDone = false;
  return {
    userId: interaction.user.id,
    card: message ? ({ channelId: message.channelId, messageId: message.id } satisfies MessagePlace) : null,
    actor: async () => actorOf(interaction),
    defer: async (kind) => {
      if (interaction.deferred || interaction.replied) return;
      if (kind === 'update' && fromMessage) {
        await discordCall('acknowledging the click', () => interaction.deferUpdate());
        deferredUpdate = true;
      } else {
        await discordCall('acknowledging the click', () => interaction.deferReply({ flags: MessageFlags.Ephemeral }));
        deferredReply = true;
      }
    },
    ephemeral: async (text) => {
      const content = clip(text, LIMITS.content);
      if (!interaction.deferred && !interaction.replied) {
        await discordCall('answering', () => interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS }));
      } else if (deferredReply && !firstEditDone) {
        firstEditDone = true;
        await discordCall('answering', () => interaction.editReply({ content, allowedMentions: NO_PINGS }));
      } else {
        await discordCall('answering', () => interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS }));
      }
    },
    updateCard: async (card: CaseCardModel) => {
      const payload = { ...caseCardMessage(card), allowedMentions: NO_PINGS };
      if (deferredUpdate) await discordCall('updating the case card', () => interaction.editReply(payload));
      else if (message) await discordCall('updating the case card', () => message.edit(payload));
    },
    askText: async (form: TextForm) => {
      if (interaction.isModalSubmit()) throw new Error('a form cannot open another form');
      const modal = new ModalBuilder()
        .setCustomId(form.id)
        .setTitle(clip(form.title, LIMITS.modalTitle))
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder().setCustomId('text').setLabel(clip(form.label, LIMITS.textInputLabel)).setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(1500),
          ),
        );
      await discordCall('opening the form', () => interaction.showModal(modal));
    },
  };
}
