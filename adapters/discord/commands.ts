import {
  MessageFlags,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type InteractionEditReplyOptions,
  type MessageContextMenuCommandInteraction,
} from 'discord.js';
import { assessCommand } from '../../commands/ethics.js';
import { rateLimited, runAssess, runCase, runCheckMessage, runConfig, runForget, runStats, type CommandDeps } from '../../commands/handlers.js';
import type { Reply } from '../../commands/replies.js';
import { actorOf } from './actor.js';
import { clip, LIMITS } from './limits.js';
import { assessmentEmbed } from './render/assessment-embed.js';
import { NO_PINGS } from './render/mentions.js';
import { statsEmbed } from './render/stats-embed.js';
import { displayName, toBuffered } from './to-message.js';

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

/** Option values as plain data keyed by name, the shape commands/ validates. */
function optionValues(options: readonly CommandInteractionOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) out[o.name] = o.channel?.id ?? o.role?.id ?? o.user?.id ?? o.value;
  return out;
}

/** `/ethics …`: defer at once (within Discord's 3 s), answer by editing the deferred reply. */
export async function onChatInput(interaction: ChatInputCommandInteraction, deps: CommandDeps): Promise<void> {
  const sub = interaction.options.getSubcommand(false) ?? '';
  const input = optionValues(interaction.options.data[0]?.options ?? []);
  const isPublic = input.public === true && !['config', 'case', 'forget'].includes(sub);
  await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const ctx = { workspaceId: interaction.guildId ?? '', channelId: interaction.channelId, actor: actorOf(interaction) };
  const command = assessCommand(sub);
  let reply: Reply;
  if (command) reply = (await rateLimited({ ...ctx, userId: interaction.user.id }, deps)) ?? (await runAssess(command, input, deps));
  else if (sub === 'config') reply = await runConfig(input, ctx, deps);
  else if (sub === 'stats') reply = await runStats(input, ctx, deps);
  else if (sub === 'case') reply = await runCase(input, ctx, deps);
  else if (sub === 'forget') reply = await runForget(input, ctx, deps);
  else reply = { kind: 'error', text: `Unknown subcommand "${sub}". Try /ethics check.`, ephemeral: true };
  await interaction.editReply(renderReply(reply));
}

/** "Check this message": S3 on the chosen message with the messages before it as context. */
export async function onCheckMessage(interaction: MessageContextMenuCommandInteraction, deps: CommandDeps): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const limited = await rateLimited({ workspaceId: interaction.guildId ?? '', channelId: interaction.channelId, userId: interaction.user.id }, deps);
  if (limited) return void (await interaction.editReply(renderReply(limited)));
  const target = interaction.targetMessage;
  const earlier = await interaction.channel?.messages.fetch({ before: target.id, limit: 6 }).catch(() => null);
  const context = earlier ? [...earlier.values()].reverse().map(toBuffered) : [];
  const reply = await runCheckMessage({ authorName: displayName(target), text: target.content }, context, deps);
  await interaction.editReply(renderReply(reply));
}
