import { LRUCache } from 'lru-cache';
import type { IncomingMessage } from './message.js';

export interface BufferedMessage {
  messageId: string;
  authorName: string;
  authorId: string;
  text: string;
  createdAt: number;
}

export interface ConversationBufferOptions {
  /** Messages kept per channel: the context the model sees is the last few of these. */
  perChannel: number;
  /** Channels kept; the least recently active is forgotten first, so memory stays bounded. */
  maxChannels: number;
}

/**
 * Recent messages per channel, in memory, bounded both ways: `perChannel` messages in each, and
 * the `maxChannels` most recently active channels (lru-cache; a new message makes a channel recent).
 */
export class ConversationBuffer {
  private readonly channels: LRUCache<string, BufferedMessage[]>;

  constructor(private readonly options: ConversationBufferOptions = { perChannel: 12, maxChannels: 5000 }) {
    this.channels = new LRUCache({ max: Math.max(1, options.maxChannels) });
  }

  push(msg: IncomingMessage): void {
    const key = channelKey(msg.workspaceId, msg.channelId);
    const list = this.channels.get(key) ?? [];
    if (!list.some((m) => m.messageId === msg.messageId)) {
      list.push({ messageId: msg.messageId, authorName: msg.author.name, authorId: msg.author.id, text: boundedText(msg.text), createdAt: msg.createdAt });
      if (list.length > this.options.perChannel) list.splice(0, list.length - this.options.perChannel);
    }
    this.channels.set(key, list);
  }

  /** Up to `limit` messages before `messageId` (or the latest), oldest first. */
  before(workspaceId: string, channelId: string, messageId: string, limit: number): BufferedMessage[] {
    // peek: reading context does not make a channel recent; only its messages do.
    const list = this.channels.peek(channelKey(workspaceId, channelId)) ?? [];
    const at = list.findIndex((m) => m.messageId === messageId);
    const upto = at >= 0 ? at : list.length;
    return list.slice(Math.max(0, upto - limit), upto);
  }

  /** Replaces a channel's memory, e.g. with history fetched from the platform after a restart. */
  seed(workspaceId: string, channelId: string, messages: BufferedMessage[]): void {
    this.channels.set(channelKey(workspaceId, channelId), messages.slice(-this.options.perChannel));
  }

  /** Drops every remembered message by an author in a workspace (`/ethics forget`). */
  forgetAuthor(workspaceId: string, authorId: string): number {
    let removed = 0;
    const prefix = `${workspaceId}\u0000`;
    for (const [key, list] of this.channels.entries()) {
      if (!key.startsWith(prefix)) continue;
      const kept = list.filter((m) => m.authorId !== authorId);
      removed += list.length - kept.length;
      // In place: forgetting is not activity, so the channel keeps its place in the LRU order.
      list.splice(0, list.length, ...kept);
    }
    return removed;
  }

  has(workspaceId: string, channelId: string): boolean {
    return this.channels.has(channelKey(workspaceId, channelId));
  }

  get size(): number {
    return this.channels.size;
  }
}

/**
 * The most characters of one message the buffer keeps. The model sees at most 200 of each context
 * message (situation.ts, after folding whitespace); keeping a little more makes that cut come out
 * the same, while a 40,000-character Slack message no longer sits in memory whole: the buffer's
 * worst case is perChannel × maxChannels × this, not × the platform's message limit.
 */
export const BUFFERED_TEXT_CHARS = 400;

function boundedText(text: string): string {
  if (text.length <= BUFFERED_TEXT_CHARS) return text;
  const head = text.replace(/\s+/g, ' ').trim().slice(0, BUFFERED_TEXT_CHARS);
  // A slice can keep its whole parent string alive in V8; a copy cannot.
  return Buffer.from(head, 'utf16le').toString('utf16le');
}

function channelKey(workspaceId: string, channelId: string): string {
  return `${workspaceId}\u0000${channelId}`;
}
