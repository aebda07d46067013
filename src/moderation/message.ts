/**
 * The neutral chat message every adapter turns its platform's events into (Hubot-style): the
 * core never sees a discord.js or Bolt type.
 */
export interface IncomingMessage {
  platform: 'discord' | 'slack';
  /** Guild id on Discord, team id on Slack. */
  workspaceId: string;
  channelId: string;
  /** Message id on Discord, `ts` on Slack. */
  messageId: string;
  author: MessageAuthor;
  text: string;
  createdAt: number;
  /** The message this one replies to, when the platform says. */
  replyTo?: { messageId: string; authorName: string } | null;
  attachments: number;
  /** A link a moderator can open. */
  url?: string | null;
}

export interface MessageAuthor {
  id: string;
  /** Display name as the community sees it; it goes into the situation the model reads. */
  name: string;
  isBot: boolean;
  /** Sent through a webhook (Discord) or an integration (Slack): never a member speaking. */
  isWebhook: boolean;
  roleIds: readonly string[];
  /** Joined recently (platform-defined); shown on case cards. */
  isNew: boolean;
}
