import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  type RESTPostAPIApplicationCommandsJSONBody,
  type APIApplicationCommandBasicOption,
} from 'discord.js';
import { PLATFORM_ONLY } from '../../commands/config.js';
import { CHECK_MESSAGE_ACTION, COMMANDS, ETHICS_COMMAND, REPORT_MESSAGE_ACTION, type Command } from '../../commands/index.js';
import { DISCORD_LIMITS, optionSpecs, type OptionSpec } from '../../commands/options.js';

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

/** A command's options as Discord shows them: required first (Discord insists), Discord's own only. */
function optionsJson(command: Command): APIApplicationCommandBasicOption[] {
  const specs = optionSpecs(command.options).filter((o) => (PLATFORM_ONLY[o.name] ?? 'discord') === 'discord');
  return [...specs].sort((a, b) => Number(b.required) - Number(a.required)).map(optionJson);
}

/** The whole command set, derived from the one registry in commands/. */
export function discordCommandSet(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: ETHICS_COMMAND.name,
      description: ETHICS_COMMAND.description,
      dm_permission: false,
      options: COMMANDS.map((c) => ({ type: ApplicationCommandOptionType.Subcommand as const, name: c.name, description: c.description.slice(0, DISCORD_LIMITS.description), options: optionsJson(c) })),
    },
    { type: ApplicationCommandType.Message, name: CHECK_MESSAGE_ACTION.name, dm_permission: false },
    { type: ApplicationCommandType.Message, name: REPORT_MESSAGE_ACTION.name, dm_permission: false },
  ];
}
