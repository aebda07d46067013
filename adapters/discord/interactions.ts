import { MessageFlags, type Interaction } from 'discord.js';
import type { CommandDeps } from '../../commands/deps.js';
import { CHECK_MESSAGE_ACTION, REPORT_MESSAGE_ACTION } from '../../commands/index.js';
import type { Logger } from '../../src/logger.js';
import { parseCaseCustomId } from '../../commands/case-card.js';
import type { ReviewFlow } from '../../commands/review/flow.js';
import { describeError } from '../../src/errors.js';
import { onChatInput, onCheckMessage } from './commands.js';
import { discordInteraction } from './review/interaction.js';
import { DIGEST_OPEN, PAUSE_PREFIX } from './render/notice.js';
import { NO_PINGS } from './render/mentions.js';
import { clip, LIMITS } from './limits.js';
import { REPORT_MODAL, type DiscordReports } from './reports.js';

export const UNKNOWN_INTERACTION = 'This button or form is no longer in use (it may come from an older card). Nothing was changed.';

export interface InteractionDeps {
  flow: ReviewFlow;
  reports: DiscordReports;
  commands: CommandDeps;
  logger: Logger;
}

/** Routes one interaction; anything it does not know is still answered, never left to fail. */
export async function onInteraction(interaction: Interaction, deps: InteractionDeps): Promise<void> {
  const { flow } = deps;
  // An author's appeal arrives from the notice in their DMs: the one thing done outside a server.
  const parsed = interaction.isButton() || interaction.isModalSubmit() ? parseCaseCustomId(interaction.customId) : null;
  const appeal = parsed?.action === 'appeal' || parsed?.action === 'appeal-text';
  if (!interaction.inGuild() && !appeal) return answer(interaction, 'normguard works inside a server.');
  if (interaction.isChatInputCommand()) return onChatInput(interaction, deps.commands);
  if (interaction.isMessageContextMenuCommand()) {
    if (interaction.commandName === CHECK_MESSAGE_ACTION.name) return onCheckMessage(interaction, deps.commands, deps.logger);
    if (interaction.commandName === REPORT_MESSAGE_ACTION.name) return deps.reports.askNote(interaction);
  }
  if (interaction.isModalSubmit() && interaction.customId.startsWith(REPORT_MODAL)) return deps.reports.onSubmit(interaction);
  if (interaction.isButton() && interaction.customId.startsWith(PAUSE_PREFIX)) {
    return flow.pause(discordInteraction(interaction), interaction.guildId ?? '', interaction.customId.slice(PAUSE_PREFIX.length));
  }
  if (interaction.isStringSelectMenu() && interaction.customId.startsWith(DIGEST_OPEN)) return flow.openFromDigest(discordInteraction(interaction), interaction.values[0] ?? '');
  if (interaction.isButton() && parsed && !isForm(parsed.action)) return flow.onPress(discordInteraction(interaction), parsed.action, parsed.caseId);
  if (interaction.isModalSubmit() && parsed && isForm(parsed.action)) {
    return flow.onForm(discordInteraction(interaction), parsed.action, parsed.caseId, interaction.fields.getTextInputValue('text'));
  }
  if (interaction.isAutocomplete()) return void (await interaction.respond([]));
  await answer(interaction, UNKNOWN_INTERACTION);
}

function isForm<A extends string>(action: A): action is Extract<A, 'dismiss-reason' | 'appeal-text' | 'appeal-deny-reason'> {
  return action === 'dismiss-reason' || action === 'appeal-text' || action === 'appeal-deny-reason';
}

/** A private answer, whatever state the interaction is in. */
export async function answer(interaction: Interaction, text: string): Promise<void> {
  if (!interaction.isRepliable()) return;
  const content = clip(text, LIMITS.content);
  // A command's deferred "thinking…" is replaced; a component's deferral may be the card's own
  // (deferUpdate), which must not be overwritten, so it gets a follow-up instead.
  if (interaction.isCommand() && interaction.deferred && !interaction.replied) await interaction.editReply({ content, embeds: [], components: [], allowedMentions: NO_PINGS });
  else if (interaction.deferred || interaction.replied) await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  else await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}

/** A handler threw: the user hears what went wrong, in the sentence for its error code. */
export async function answerFailure(interaction: Interaction, err: unknown): Promise<void> {
  if (interaction.isAutocomplete()) return void (await interaction.respond([]));
  await answer(interaction, `⚠️ ${describeError(err)}`);
}
