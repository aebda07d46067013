import type { Message } from 'discord.js';
import type { BufferedMessage } from '../../src/moderation/conversation-buffer.js';
import type { IncomingMessage } from '../../src/moderation/message.js';

/** A member who joined within this long is "new" on the card: newcomers are judged with care. */
const NEW_MEMBER_MS = 7 * 24 * 60 * 60_000;

export function displayName(message: Message): string {
  return message.member?.displayName ?? message.author.globalName ?? message.author.username;
}

/** discord.js Message → the neutral message the core understands. */
export function toIncoming(message: Message<true>, now: number): IncomingMessage {
  const joined = message.member?.joinedTimestamp ?? null;
  const replied = message.reference?.messageId ? message.channel.messages.cache.get(message.reference.messageId) : undefined;
  return {
    platform: 'discord',
    workspaceId: message.guildId,
    channelId: message.channelId,
    messageId: message.id,
    text: message.content,
    createdAt: message.createdTimestamp,
    attachments: message.attachments.size,
    url: message.url,
    replyTo: message.reference?.messageId ? { messageId: message.reference.messageId, authorName: replied ? displayName(replied) : 'someone' } : null,
    author: {
      id: message.author.id,
      name: displayName(message),
      isBot: message.author.bot || message.system,
      isWebhook: message.webhookId !== null,
      roleIds: message.member ? [...message.member.roles.cache.keys()] : [],
      isNew: joined !== null && now - joined < NEW_MEMBER_MS,
    },
  };
}

export function toBuffered(message: Message): BufferedMessage {
  return { messageId: message.id, authorId: message.author.id, authorName: displayName(message), text: message.content, createdAt: message.createdTimestamp };
}
