import {
  MessageFlags,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type InteractionEditReplyOptions,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import type { CommandDeps } from '../../commands/deps.js';
import { findCommand, ProseStream, replyOf, runCheckMessage, type CommandContext } from '../../commands/index.js';
import type { Reply } from '../../commands/replies.js';
import type { Logger } from '../../src/logger.js';
import { actorOf } from './actor.js';
import { clip, DISCORD_STREAM, LIMITS } from './limits.js';
import { assessmentEmbed } from './render/assessment-embed.js';
import { draftReply } from './render/draft.js';
import { NO_PINGS } from './render/mentions.js';
import { statsEmbed } from './render/stats-embed.js';
import { contextBefore } from './reports.js';
import { displayName } from './to-message.js';

/** The neutral reply as a Discord message: one renderer per reply kind, never per command. */
export function renderReply(reply: Reply): InteractionEditReplyOptions {
  switch (reply.kind) {
    case 'assessment':
      return { content: '', embeds: [assessmentEmbed(reply.title, reply.assessment, reply.sections)], allowedMentions: NO_PINGS };
    case 'stats':
      return { content: '', embeds: [statsEmbed(reply.stats, reply.days)], allowedMentions: NO_PINGS };
    case 'notice':
      return { content: clip(reply.text, LIMITS.content), embeds: [], allowedMentions: NO_PINGS };
    case 'error':
      return { content: clip(`⚠️ ${reply.text}`, LIMITS.content), embeds: [], allowedMentions: NO_PINGS };
  }
}

/** Option values as plain data keyed by name, the shape the registry validates. */
function optionValues(options: readonly CommandInteractionOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) out[o.name] = o.channel?.id ?? o.role?.id ?? o.user?.id ?? o.value;
  return out;
}

function contextOf(interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction): CommandContext {
  const actor = actorOf(interaction);
  return { surface: 'discord', workspaceId: interaction.guildId ?? '', channelId: interaction.channelId, userId: interaction.user.id, actor: async () => actor };
}

/**
 * `/ethics <command>`: defer at once (within Discord's 3 s), run it through the registry with its
 * prose shown in the deferred reply as it is written, then edit the final answer in.
 */
export async function onChatInput(interaction: ChatInputCommandInteraction, deps: CommandDeps): Promise<void> {
  const name = interaction.options.getSubcommand(false) ?? '';
  const input = optionValues(interaction.options.data[0]?.options ?? []);
  const command = findCommand(name);
  await interaction.deferReply(input.public === true && command?.options.shape.public ? {} : { flags: MessageFlags.Ephemeral });
  const reply: Reply = command
    ? await streamed(interaction, deps, async (ctx) => replyOf(await command.execute(input, ctx, deps), deps))
    : { kind: 'error', text: `Unknown command "${name}". Try /ethics check.`, ephemeral: true };
  await interaction.editReply(renderReply(reply));
}

/** "Check this message": S3 on the chosen message with the messages before it as context. */
export async function onCheckMessage(interaction: MessageContextMenuCommandInteraction, deps: CommandDeps, logger: Logger): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const target = interaction.targetMessage;
  const context = await contextBefore(target, logger);
  const reply = await streamed(interaction, deps, (ctx) => runCheckMessage({ authorName: displayName(target), text: target.content }, context, ctx, deps));
  await interaction.editReply(renderReply(reply));
}

/** Runs a command with a ProseStream editing the deferred reply; the stream is closed before the caller's final edit. */
async function streamed(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  deps: CommandDeps,
  run: (ctx: CommandContext) => Promise<Reply>,
): Promise<Reply> {
  const prose = new ProseStream({ ...DISCORD_STREAM, logger: deps.logger, render: (text) => interaction.editReply(draftReply(text)) });
  try {
    return await run({ ...contextOf(interaction), onProse: prose.update });
  } finally {
    await prose.close();
  }
}
