import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  type RESTPostAPIApplicationCommandsJSONBody,
  type APIApplicationCommandBasicOption,
} from 'discord.js';
import { ASSESS_COMMANDS, CASE_OPTIONS, CHECK_MESSAGE_ACTION, CONFIG_OPTIONS, ETHICS_COMMAND, FORGET_OPTIONS, REPORT_MESSAGE_ACTION, STATS_OPTIONS } from '../../commands/ethics.js';
import { DISCORD_LIMITS, type OptionSpec } from '../../commands/options.js';

/** Renders one neutral option as Discord slash-command JSON. */
function optionJson(o: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name: o.name, description: o.description.slice(0, DISCORD_LIMITS.description), required: o.required };
  switch (o.kind) {
    case 'string':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(o.choices ? { choices: o.choices.map((c) => ({ name: c, value: c })) } : {}),
        ...(o.maxLength ? { max_length: Math.min(o.maxLength, DISCORD_LIMITS.stringOption) } : {}),
        ...(o.minLength ? { min_length: o.minLength } : {}),
      };
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case 'integer':
      return { ...base, type: ApplicationCommandOptionType.Integer, min_value: o.minValue, max_value: o.maxValue };
    case 'channel':
      return { ...base, type: ApplicationCommandOptionType.Channel, channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] };
    case 'role':
      return { ...base, type: ApplicationCommandOptionType.Role };
    case 'user':
      return { ...base, type: ApplicationCommandOptionType.User };
  }
}

// Discord wants required options before optional ones.
const ordered = (options: readonly OptionSpec[]) => [...options].sort((a, b) => Number(b.required) - Number(a.required)).map(optionJson);

/** The whole command set, derived from the one definition in commands/. */
export function discordCommandSet(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: ETHICS_COMMAND.name,
      description: ETHICS_COMMAND.description,
      dm_permission: false,
      options: [
        ...ASSESS_COMMANDS.map((c) => ({ type: ApplicationCommandOptionType.Subcommand as const, name: c.name, description: c.description, options: ordered(c.options) })),
        { type: ApplicationCommandOptionType.Subcommand, name: 'config', description: 'Change normguard’s settings for this server (Manage Server)', options: ordered(CONFIG_OPTIONS) },
        { type: ApplicationCommandOptionType.Subcommand, name: 'stats', description: 'Review cases and how the bot is doing', options: ordered(STATS_OPTIONS) },
        { type: ApplicationCommandOptionType.Subcommand, name: 'case', description: 'A case’s full timeline (moderators)', options: ordered(CASE_OPTIONS) },
        { type: ApplicationCommandOptionType.Subcommand, name: 'forget', description: 'Remove a member’s stored messages (Manage Server)', options: ordered(FORGET_OPTIONS) },
      ],
    },
    { type: ApplicationCommandType.Message, name: CHECK_MESSAGE_ACTION.name, dm_permission: false },
    { type: ApplicationCommandType.Message, name: REPORT_MESSAGE_ACTION.name, dm_permission: false },
  ];
}
