import { Client, Events, GatewayIntentBits, MessageFlags, type Interaction, type Message } from 'discord.js';
import type { Core } from '../../src/app.js';
import { describeError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { CHECK_MESSAGE_ACTION } from '../../commands/ethics.js';
import { onChatInput, onCheckMessage } from './commands.js';
import { DiscordReview } from './review.js';
import { toBuffered, toIncoming } from './to-message.js';
import { NO_PINGS } from './render/mentions.js';

export { registerDiscordCommands } from './register.js';

export interface DiscordAdapterOptions {
  token: string;
  /** REST base (and so the gateway, which REST names): a proxy, or a fake in tests. */
  apiUrl?: string;
  loginTimeoutMs?: number;
}

export interface DiscordAdapter {
  client: Client;
  stop(): Promise<void>;
}

/**
 * The least intents that work: guild structure, guild messages, and their content (privileged:
 * enable "Message Content Intent" in the developer portal, or passive monitoring sees nothing).
 */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

export async function startDiscordAdapter(core: Core, options: DiscordAdapterOptions): Promise<DiscordAdapter> {
  const moderation = core.moderation;
  if (!moderation || !core.store) throw new Error('the Discord adapter needs the store');
  const logger = core.logger.child({ adapter: 'discord' });
  const client = new Client({
    intents: DISCORD_INTENTS,
    allowedMentions: NO_PINGS,
    ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
  });
  const review = new DiscordReview({ client, cases: moderation.cases, settings: core.store.repos.settings, logger });

  // One failing handler is logged and answered; it never becomes an unhandled rejection or an
  // 'error' event without a listener, either of which would take the bot down.
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway resumed'));
  client.on(Events.MessageCreate, (message) => void guarded(logger, 'message', () => onMessage(message)));
  client.on(Events.InteractionCreate, (interaction) => void guarded(logger, 'interaction', () => onInteraction(interaction), () => answerFailure(interaction)));

  async function onMessage(message: Message): Promise<void> {
    if (!message.inGuild()) return;
    const { buffer, monitor } = moderation!;
    // After a restart the buffer is empty: read the channel's recent history once so the first
    // audit has its conversation too.
    if (!buffer.has(message.guildId, message.channelId) && !message.author.bot) {
      const earlier = await message.channel.messages.fetch({ before: message.id, limit: 6 }).catch(() => null);
      if (earlier) buffer.seed(message.guildId, message.channelId, [...earlier.values()].reverse().map(toBuffered));
    }
    const outcome = await monitor.handle(toIncoming(message, core.clock.now()));
    if (outcome.kind !== 'decided') return;
    if (outcome.case) await review.postCard(outcome.case);
    else if (outcome.explanation) await message.reply({ content: outcome.explanation, allowedMentions: NO_PINGS });
  }

  async function onInteraction(interaction: Interaction): Promise<void> {
    if (!interaction.inGuild()) {
      if (interaction.isRepliable()) await interaction.reply({ content: 'normguard works inside a server.', flags: MessageFlags.Ephemeral });
      return;
    }
    if (interaction.isChatInputCommand()) return onChatInput(interaction, moderation!.commands);
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === CHECK_MESSAGE_ACTION.name) return onCheckMessage(interaction, moderation!.commands);
    if (interaction.isButton()) return review.onButton(interaction);
    if (interaction.isModalSubmit()) return review.onModal(interaction);
  }

  async function answerFailure(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable()) return;
    const content = `⚠️ ${describeError(null)}`;
    if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], components: [] });
    else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  }

  await loginWithTimeout(client, options.token, options.loginTimeoutMs ?? 30_000);
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
  return {
    client,
    stop: async () => {
      await client.destroy();
    },
  };
}

async function guarded(logger: Logger, what: string, fn: () => Promise<void>, onError?: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    logger.error({ err }, `${what} handler failed`);
    await onError?.().catch((e: unknown) => logger.warn({ err: e }, 'could not tell the user about the failure'));
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
