import type { App } from '../src/app.js';
import type { Config } from '../src/config.js';
import { registerDiscordCommands, startDiscordAdapter } from './discord/index.js';
import { startSlackAdapter } from './slack/index.js';

export { startDiscordShards, type DiscordShards, type DiscordShardsOptions } from './discord/shards.js';

/** A running chat adapter, as the service sees it. */
export interface RunningAdapter {
  name: string;
  stop(): Promise<void>;
}

/** Starts every adapter whose credentials are configured. */
export async function startAdapters(core: App): Promise<RunningAdapter[]> {
  const { config } = core;
  const running: RunningAdapter[] = [];
  try {
    if (config.DISCORD_TOKEN) {
      const discord = await startDiscordAdapter(core, { token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL });
      running.push({ name: 'discord', stop: discord.stop });
    }
    if (config.SLACK_BOT_TOKEN) {
      const slack = await startSlackAdapter(core, {
        botToken: config.SLACK_BOT_TOKEN,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        adminUserToken: config.SLACK_ADMIN_USER_TOKEN,
        host: config.SLACK_HOST,
        port: config.SLACK_PORT,
      });
      running.push({ name: slack.port === null ? 'slack (socket mode)' : `slack (http :${slack.port})`, stop: slack.stop });
    }
  } catch (err) {
    await Promise.all(running.map((a) => a.stop()));
    throw err;
  }
  return running;
}

/** `normguard register discord [--guild ID]`. */
export async function registerCommands(platform: string, options: { guildId?: string }, config: Config): Promise<string> {
  if (platform !== 'discord') throw new Error(`cannot register commands for "${platform}": only discord has registration (Slack commands come from the app manifest)`);
  if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set: put the bot token in the environment or .env');
  const result = await registerDiscordCommands({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL, guildId: options.guildId });
  return `registered ${result.count} commands for application ${result.applicationId} (${result.scope})`;
}
