import type { Client, Message, SendableChannels } from 'discord.js';
import type { CaseCardModel, Enforcements } from '../../../commands/case-card.js';
import type { DigestModel } from '../../../commands/notices.js';
import type { DirectMessage, MessagePlace, ReviewSurface, SurfaceWording, ThreadPlace, ThreadPost } from '../../../commands/review/surface.js';
import { PlatformError } from '../../../src/errors.js';
import type { Logger } from '../../../src/logger.js';
import { discordCall } from '../errors.js';
import { clip, LIMITS } from '../limits.js';
import { caseCardMessage } from '../render/case-card.js';
import { NO_PINGS } from '../render/mentions.js';
import { digestMessage } from '../render/notice.js';
import { directMessage, threadMessages } from '../render/thread-post.js';

/** The review flow's port on Discord: REST calls through the discord.js client, nothing more. */
export class DiscordSurface implements ReviewSurface {
  readonly platform = 'discord' as const;
  /** Discord can delete a message and time its author out (with Moderate Members). */
  readonly can: Enforcements = { delete: true, timeout: true, askEdit: false };
  readonly wording: SurfaceWording = { noDelete: 'Could not delete: the message is unknown.', noTimeout: 'Timeouts are not available.', noRestore: 'A deleted message cannot be restored on Discord; it was reposted in the case thread for the record.' };

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
  ) {}

  async postCard(channelId: string, card: CaseCardModel): Promise<{ messageId: string; threadId: string | null }> {
    const channel = await this.sendable(channelId);
    const message = await discordCall('posting the case card', async (): Promise<Message> => channel.send({ ...caseCardMessage(card), allowedMentions: NO_PINGS }));
    const thread = await discordCall('opening the case thread', () => message.startThread({ name: clip(card.threadName, LIMITS.threadName) })).catch((err: unknown) => {
      this.logger.warn({ err, caseId: card.caseId }, 'could not open the case thread');
      return null;
    });
    return { messageId: message.id, threadId: thread?.id ?? null };
  }

  async updateCard(place: MessagePlace, card: CaseCardModel): Promise<void> {
    const channel = await this.sendable(place.channelId);
    await discordCall('updating the case card', () => channel.messages.edit(place.messageId, { ...caseCardMessage(card), allowedMentions: NO_PINGS }));
  }

  async putDigest(channelId: string, digest: DigestModel, existingId: string | null): Promise<string> {
    const channel = await this.sendable(channelId);
    const payload = { ...digestMessage(digest), allowedMentions: NO_PINGS };
    if (existingId) {
      await discordCall('updating the digest', () => channel.messages.edit(existingId, payload));
      return existingId;
    }
    return (await discordCall('posting the digest', async (): Promise<Message> => channel.send(payload))).id;
  }

  async postInThread(place: ThreadPlace, post: ThreadPost): Promise<void> {
    const thread = await this.sendable(place.threadId);
    for (const message of threadMessages(post)) await discordCall('posting in the case thread', async (): Promise<Message> => thread.send(message));
  }

  async dm(userId: string, message: DirectMessage): Promise<void> {
    await discordCall('sending a direct message', () => this.client.users.send(userId, directMessage(message)));
  }

  async explain(message: { channelId: string; messageId: string }, text: string): Promise<void> {
    const channel = await this.sendable(message.channelId);
    await discordCall('replying to the message', async (): Promise<Message> =>
      channel.send({ content: clip(text, LIMITS.content), reply: { messageReference: message.messageId, failIfNotExists: false }, allowedMentions: NO_PINGS }),
    );
  }

  async link(place: MessagePlace & { workspaceId: string }): Promise<string> {
    return `https://discord.com/channels/${place.workspaceId}/${place.channelId}/${place.messageId}`;
  }

  async deleteMessage(place: MessagePlace): Promise<void> {
    const channel = await this.sendable(place.channelId);
    await discordCall('deleting the message', () => channel.messages.delete(place.messageId));
  }

  async timeout(workspaceId: string, userId: string, untilMs: number | null, reason: string): Promise<void> {
    const guild = await discordCall('reading the server', () => this.client.guilds.fetch(workspaceId));
    await discordCall(untilMs === null ? 'removing the timeout' : 'timing the author out', () => guild.members.edit(userId, { communicationDisabledUntil: untilMs, reason }));
  }

  /** A channel normguard can send to; a missing one is `not-found`, a voice channel `forbidden`. */
  private async sendable(channelId: string): Promise<SendableChannels> {
    const channel = await discordCall(`reading channel ${channelId}`, () => this.client.channels.fetch(channelId));
    if (!channel) throw new PlatformError('not-found', null, `channel ${channelId} is unknown`);
    if (!channel.isSendable()) throw new PlatformError('forbidden', null, `channel ${channelId} is not a text channel`);
    return channel;
  }
}
