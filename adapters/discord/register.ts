import { REST, Routes, type APIUser } from 'discord.js';
import { discordCommandSet } from './command-json.js';

export interface RegisterOptions {
  token: string;
  apiUrl?: string;
  /** One guild (instant, for iteration) or global (may take up to an hour to appear). */
  guildId?: string;
}

/** Overwrites the command set (PUT), so running it twice leaves the same commands. */
export async function registerDiscordCommands(options: RegisterOptions): Promise<{ applicationId: string; count: number; scope: string }> {
  const rest = new REST({ version: '10', ...(options.apiUrl ? { api: options.apiUrl } : {}) }).setToken(options.token);
  // A bot user's id is its application's id.
  const me = (await rest.get(Routes.user('@me'))) as APIUser;
  const body = discordCommandSet();
  const route = options.guildId ? Routes.applicationGuildCommands(me.id, options.guildId) : Routes.applicationCommands(me.id);
  const result = (await rest.put(route, { body })) as unknown[];
  return { applicationId: me.id, count: result.length, scope: options.guildId ? `guild ${options.guildId}` : 'global' };
}
