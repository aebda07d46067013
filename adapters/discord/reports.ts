import {
  ActionRowBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Client,
  type Message,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { ReviewFlow } from '../../commands/review/flow.js';
import type { App } from '../../src/app.js';
import { fileReport } from '../../src/moderation/reports.js';
import type { BufferedMessage } from '../../src/moderation/conversation-buffer.js';
import type { Logger } from '../../src/logger.js';
import { orNotFound } from './errors.js';
import { toBuffered, toIncoming } from './to-message.js';

export const REPORT_MODAL = 'ng:report:';
export const REPORT_THANKS = 'Thanks — your report is with the moderators. You will hear the outcome in one line.';

/** "Report to moderators": any member; a short note, then a case with the same audit as monitoring. */
export class DiscordReports {
  constructor(
    private readonly app: App,
    private readonly client: Client,
    private readonly flow: ReviewFlow,
    private readonly logger: Logger,
  ) {}

  async askNote(interaction: MessageContextMenuCommandInteraction): Promise<void> {
    const modal = new ModalBuilder()
      .setCustomId(`${REPORT_MODAL}${interaction.targetMessage.channelId}:${interaction.targetId}`)
      .setTitle('Report to moderators')
      .addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId('note').setLabel('What is wrong with this message? (optional)').setStyle(TextInputStyle.Paragraph).setRequired(false).setMaxLength(500),
        ),
      );
    await interaction.showModal(modal);
  }

  async onSubmit(interaction: ModalSubmitInteraction): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const [channelId = '', messageId = ''] = interaction.customId.slice(REPORT_MODAL.length).split(':');
    const channel = await orNotFound('reading the reported channel', () => this.client.channels.fetch(channelId));
    const target = channel?.isTextBased() ? await orNotFound('reading the reported message', () => channel.messages.fetch(messageId)) : null;
    if (!target || !target.inGuild()) return void (await interaction.editReply({ content: 'That message is gone; nothing was reported.' }));
    const { moderation, store } = this.app;
    const result = await fileReport(
      {
        message: toIncoming(target, this.app.clock.now()),
        context: await contextBefore(target, this.logger),
        reporterId: interaction.user.id,
        note: interaction.fields.getTextInputValue('note') || null,
      },
      { assessor: this.app.assessor, settings: store.repos.settings, activity: moderation.activity, cases: moderation.cases, logger: this.logger },
    );
    if (!result.ok) return void (await interaction.editReply({ content: result.message }));
    await this.flow.postCard(result.case);
    await interaction.editReply({ content: REPORT_THANKS });
  }
}

/** The six messages before one, oldest first: its conversation. Unreadable history is logged, not fatal. */
export async function contextBefore(message: Message, logger: Logger): Promise<BufferedMessage[]> {
  try {
    const earlier = await message.channel.messages.fetch({ before: message.id, limit: 6 });
    return [...earlier.values()].reverse().map(toBuffered);
  } catch (err) {
    logger.warn({ err, channel: message.channelId }, 'could not read the conversation before a message; auditing it alone');
    return [];
  }
}
