import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { commandDeps } from '../../commands/deps.js';
import { ReviewFlow } from '../../commands/review/flow.js';
import { startAppealSweep } from '../../commands/review/sweep.js';
import type { App } from '../../src/app.js';
import type { Logger } from '../../src/logger.js';
import { toPlatformError } from './errors.js';
import { answerFailure, onInteraction } from './interactions.js';
import { NO_PINGS } from './render/mentions.js';
import { contextBefore, DiscordReports } from './reports.js';
import { DiscordSurface } from './review/surface.js';
import { toIncoming } from './to-message.js';

export { registerDiscordCommands } from './register.js';

export interface DiscordAdapterOptions {
  token: string;
  /** REST base (and so the gateway, which REST names): a proxy, or a fake in tests. */
  apiUrl?: string;
  loginTimeoutMs?: number;
  /** How often open appeals are checked for their deadline. */
  appealSweepMs?: number;
}

export interface DiscordAdapter {
  client: Client;
  flow: ReviewFlow;
  stop(): Promise<void>;
}

/**
 * The least intents that work: guild structure, guild messages, and their content (privileged:
 * enable "Message Content Intent" in the developer portal, or passive monitoring sees nothing).
 */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

/** Discord's entry point: a client, the review surface over it, and the events routed to the flow. */
export async function startDiscordAdapter(app: App, options: DiscordAdapterOptions): Promise<DiscordAdapter> {
  const { moderation, store } = app;
  const logger = app.logger.child({ adapter: 'discord' });
  const client = new Client({ intents: DISCORD_INTENTS, allowedMentions: NO_PINGS, ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}) });
  const flow = new ReviewFlow({ surface: new DiscordSurface(client, logger), cases: moderation.cases, settings: store.repos.settings, kv: store.kv, logger });
  const deps = { flow, reports: new DiscordReports(app, client, flow, logger), commands: commandDeps(app), logger };
  // Scale-out: outcomes whose gateway died before rendering them are rendered here (REST reaches any guild).
  moderation.passive.adopt?.('discord', (message, outcome) => flow.render(message, outcome));

  // One failing handler is logged and answered; it never becomes an unhandled rejection or an
  // 'error' event without a listener, either of which would take the bot down.
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway resumed'));
  client.on(Events.MessageCreate, (message) => void guarded(logger, 'message', () => onMessage(message)));
  client.on(Events.InteractionCreate, (interaction) => void guarded(logger, 'interaction', () => onInteraction(interaction, deps), (err) => answerFailure(interaction, err)));

  async function onMessage(message: Message): Promise<void> {
    if (!message.inGuild()) return;
    const { buffer, passive } = moderation;
    // After a restart the buffer is empty: read the channel's recent history once so the first
    // audit has its conversation too.
    if (!buffer.has(message.guildId, message.channelId) && !message.author.bot) buffer.seed(message.guildId, message.channelId, await contextBefore(message, logger));
    const outcome = await passive.handle(toIncoming(message, app.clock.now()));
    await flow.render({ channelId: message.channelId, messageId: message.id }, outcome);
  }

  await loginWithTimeout(client, options.token, options.loginTimeoutMs ?? 30_000);
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  const stopSweep = startAppealSweep(flow, async () => client.guilds.cache.keys(), { everyMs: options.appealSweepMs ?? 60_000, clock: app.clock, logger });
  return {
    client,
    flow,
    stop: async () => {
      stopSweep();
      await client.destroy();
    },
  };
}

async function guarded(logger: Logger, what: string, fn: () => Promise<void>, onError?: (err: unknown) => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (thrown) {
    const err = toPlatformError(thrown, what);
    logger.error({ err, code: (err as { code?: unknown }).code }, `${what} handler failed`);
    await onError?.(err).catch((e: unknown) => logger.warn({ err: e }, 'could not tell the user about the failure'));
  }
}

/** An unreachable gateway makes login() hang forever and destroy() does not stop its retries. */
async function loginWithTimeout(client: Client, token: string, timeoutMs: number): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`could not connect to Discord within ${Math.round(timeoutMs / 1000)}s`)), timeoutMs);
  });
  try {
    await Promise.race([client.login(token).then(() => ready), timeout]);
  } catch (err) {
    await client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
