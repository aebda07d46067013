import {
  ActionRowBuilder,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { fileReport } from '../../src/moderation/reports.js';
import type { App } from '../../src/app.js';
import { describeError } from '../../src/errors.js';
import { commandDeps } from '../../commands/deps.js';
import type { Logger } from '../../src/logger.js';
import { CHECK_MESSAGE_ACTION, REPORT_MESSAGE_ACTION } from '../../commands/ethics.js';
import { parseCaseCustomId } from '../../commands/case-card.js';
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
  /** How often open appeals are checked for their deadline. */
  appealSweepMs?: number;
}

export interface DiscordAdapter {
  client: Client;
  review: DiscordReview;
  stop(): Promise<void>;
}

/**
 * The least intents that work: guild structure, guild messages, and their content (privileged:
 * enable "Message Content Intent" in the developer portal, or passive monitoring sees nothing).
 */
const REPORT_MODAL = 'ng:report:';

export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

export async function startDiscordAdapter(core: App, options: DiscordAdapterOptions): Promise<DiscordAdapter> {
  const { moderation } = core;
  const logger = core.logger.child({ adapter: 'discord' });
  const client = new Client({
    intents: DISCORD_INTENTS,
    allowedMentions: NO_PINGS,
    ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
  });
  const store = core.store;
  const deps = commandDeps(core);
  const review = new DiscordReview({ client, cases: moderation.cases, settings: store.repos.settings, kv: store.kv, logger });
  // Decisions taken in the web dashboard are carried out here, so the card updates as with a button.
  moderation.reviewers.set('discord', { decide: (caseId, event) => review.decide(caseId, event) });
  // Scale-out: outcomes whose gateway died before rendering them are rendered here (REST reaches any guild).
  moderation.passive.adopt?.('discord', async (message, outcome) => {
    if (outcome.kind !== 'decided') return;
    if (outcome.case) return void (await review.postCard(outcome.case));
    if (!outcome.explanation) return;
    const channel = await client.channels.fetch(message.channelId).catch(() => null);
    if (channel?.isSendable()) {
      await channel.send({ content: outcome.explanation, reply: { messageReference: message.messageId, failIfNotExists: false }, allowedMentions: NO_PINGS });
    }
  });

  // One failing handler is logged and answered; it never becomes an unhandled rejection or an
  // 'error' event without a listener, either of which would take the bot down.
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway resumed'));
  client.on(Events.MessageCreate, (message) => void guarded(logger, 'message', () => onMessage(message)));
  client.on(Events.InteractionCreate, (interaction) => void guarded(logger, 'interaction', () => onInteraction(interaction), () => answerFailure(interaction)));

  async function onMessage(message: Message): Promise<void> {
    if (!message.inGuild()) return;
    const { buffer, passive } = moderation;
    // After a restart the buffer is empty: read the channel's recent history once so the first
    // audit has its conversation too.
    if (!buffer.has(message.guildId, message.channelId) && !message.author.bot) {
      const earlier = await message.channel.messages.fetch({ before: message.id, limit: 6 }).catch(() => null);
      if (earlier) buffer.seed(message.guildId, message.channelId, [...earlier.values()].reverse().map(toBuffered));
    }
    const outcome = await passive.handle(toIncoming(message, core.clock.now()));
    if (outcome.kind !== 'decided') return;
    if (outcome.case) await review.postCard(outcome.case);
    else if (outcome.explanation) await message.reply({ content: outcome.explanation, allowedMentions: NO_PINGS });
  }

  async function onInteraction(interaction: Interaction): Promise<void> {
    // An author's appeal arrives from the notice in their DMs: the one thing done outside a server.
    const caseAction = interaction.isButton() || interaction.isModalSubmit() ? parseCaseCustomId(interaction.customId)?.action : undefined;
    const appeal = caseAction === 'appeal' || caseAction === 'appeal-text';
    if (!interaction.inGuild() && !appeal) {
      if (interaction.isRepliable()) await interaction.reply({ content: 'normguard works inside a server.', flags: MessageFlags.Ephemeral });
      return;
    }
    if (interaction.isChatInputCommand()) return onChatInput(interaction, deps);
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === CHECK_MESSAGE_ACTION.name) return onCheckMessage(interaction, deps);
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === REPORT_MESSAGE_ACTION.name) return askReportNote(interaction);
    if (interaction.isModalSubmit() && interaction.customId.startsWith(REPORT_MODAL)) return onReport(interaction);
    if (interaction.isButton()) return review.onButton(interaction);
    if (interaction.isStringSelectMenu()) return review.onSelect(interaction);
    if (interaction.isModalSubmit()) return review.onModal(interaction);
  }

  /** "Report to moderators": any member; a short note, then a case with the same audit as monitoring. */
  async function askReportNote(interaction: MessageContextMenuCommandInteraction): Promise<void> {
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

  async function onReport(interaction: ModalSubmitInteraction): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const [channelId = '', messageId = ''] = interaction.customId.slice(REPORT_MODAL.length).split(':');
    const channel = await client.channels.fetch(channelId).catch(() => null);
    const target = channel?.isTextBased() ? await channel.messages.fetch(messageId).catch(() => null) : null;
    if (!target || !target.inGuild()) return void (await interaction.editReply({ content: 'That message is gone; nothing was reported.' }));
    const earlier = await target.channel.messages.fetch({ before: target.id, limit: 6 }).catch(() => null);
    const result = await fileReport(
      {
        message: toIncoming(target, core.clock.now()),
        context: earlier ? [...earlier.values()].reverse().map(toBuffered) : [],
        reporterId: interaction.user.id,
        note: interaction.fields.getTextInputValue('note') || null,
      },
      { assessor: core.assessor, settings: store.repos.settings, activity: moderation.activity, cases: moderation.cases },
    );
    if (!result.ok) return void (await interaction.editReply({ content: result.message }));
    await review.postCard(result.case);
    await interaction.editReply({ content: 'Thanks — your report is with the moderators. You will hear the outcome in one line.' });
  }

  async function answerFailure(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable()) return;
    const content = `⚠️ ${describeError(null)}`;
    if (interaction.deferred || interaction.replied) await interaction.editReply({ content, embeds: [], components: [] });
    else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  }

  await loginWithTimeout(client, options.token, options.loginTimeoutMs ?? 30_000);
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');

  // Appeals that wait past their deadline time out, and their authors are told.
  const sweep = setInterval(() => {
    void guarded(logger, 'appeal sweep', async () => {
      for (const guildId of client.guilds.cache.keys()) {
        for (const c of await moderation.cases.expiredAppeals(guildId, core.clock.now())) {
          const result = await moderation.cases.apply(c.id, { type: 'appeal-expire' });
          if (result.ok) await review.runEffects(result.case, result.effects, null);
        }
      }
    });
  }, options.appealSweepMs ?? 60_000);
  sweep.unref();
  return {
    client,
    review,
    stop: async () => {
      clearInterval(sweep);
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
