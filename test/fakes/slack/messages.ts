import { ApiError } from './args.js';
import { compareTs } from './timestamps.js';
import type { SlackMessage } from './types.js';

// The conversation record: what people in a channel would see, kept in ts order with Slack's
// threading bookkeeping (a parent gains thread_ts, reply_count, reply_users, latest_reply), so
// conversations.history / conversations.replies answer from the same data tests assert on.

export interface NewMessage {
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  thread_ts?: string;
  blocks?: any[];
  attachments?: any[];
  metadata?: unknown;
}

export interface Page {
  messages: SlackMessage[];
  hasMore: boolean;
  nextCursor: string;
}

export interface RangeQuery {
  latest?: string;
  oldest?: string;
  inclusive: boolean;
  limit: number;
  cursor?: string;
}

export class MessageStore {
  private readonly byChannel = new Map<string, SlackMessage[]>();

  constructor(
    private readonly nextTs: () => string,
    private readonly onChange: () => void,
  ) {}

  post(channel: string, m: NewMessage, ts = this.nextTs()): SlackMessage {
    const list = this.list(channel);
    if (list.some((x) => x.ts === ts)) throw new Error(`a message with ts ${ts} already exists in ${channel}`);
    const message: SlackMessage = { type: 'message', channel, ts, text: m.text };
    if (m.user !== undefined) message.user = m.user;
    if (m.bot_id !== undefined) message.bot_id = m.bot_id;
    if (m.app_id !== undefined) message.app_id = m.app_id;
    if (m.subtype !== undefined) message.subtype = m.subtype;
    if (m.blocks !== undefined) message.blocks = m.blocks;
    if (m.attachments !== undefined) message.attachments = m.attachments;
    if (m.metadata !== undefined) message.metadata = m.metadata;
    if (m.thread_ts !== undefined && m.thread_ts !== ts) {
      message.thread_ts = m.thread_ts;
      const parent = list.find((x) => x.ts === m.thread_ts);
      if (parent) noteReply(parent, message);
    }
    list.push(message);
    list.sort((a, b) => compareTs(a.ts, b.ts));
    this.onChange();
    return message;
  }

  find(channel: string, ts: string): SlackMessage | undefined {
    return this.byChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /** Applies chat.update-style changes in place; `editor` lands in `edited`, as Slack shows it. */
  update(channel: string, ts: string, patch: Partial<Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'metadata'>>, editor: string, editTs: string): SlackMessage {
    const message = this.find(channel, ts);
    if (!message) throw new ApiError('message_not_found');
    if (patch.text !== undefined) message.text = patch.text;
    if (patch.blocks !== undefined) message.blocks = patch.blocks;
    if (patch.attachments !== undefined) message.attachments = patch.attachments;
    if (patch.metadata !== undefined) message.metadata = patch.metadata;
    message.edited = { user: editor, ts: editTs };
    this.onChange();
    return message;
  }

  remove(channel: string, ts: string): void {
    const list = this.byChannel.get(channel);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) throw new ApiError('message_not_found');
    const [removed] = list.splice(index, 1);
    // A deleted reply no longer counts on its parent.
    if (removed?.thread_ts !== undefined && removed.thread_ts !== removed.ts) {
      const parent = list.find((m) => m.ts === removed.thread_ts);
      if (parent) recountReplies(parent, list);
    }
    this.onChange();
  }

  /** Everything in the channel (top level and replies) by ts, as copies. */
  all(channel: string): SlackMessage[] {
    return structuredClone(this.byChannel.get(channel) ?? []);
  }

  thread(channel: string, threadTs: string): SlackMessage[] {
    const list = this.byChannel.get(channel) ?? [];
    return structuredClone(list.filter((m) => m.ts === threadTs || m.thread_ts === threadTs));
  }

  /** conversations.history: top-level messages newest first, within (oldest, latest). */
  history(channel: string, q: RangeQuery): Page {
    const list = this.byChannel.get(channel) ?? [];
    const topLevel = list.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast');
    const inRange = topLevel.filter((m) => inWindow(m.ts, q)).reverse();
    return page(inRange, q);
  }

  /** conversations.replies: the parent then its replies, oldest first. */
  replies(channel: string, ts: string, q: RangeQuery): Page {
    const list = this.byChannel.get(channel) ?? [];
    const anchor = list.find((m) => m.ts === ts);
    if (!anchor) throw new ApiError('thread_not_found');
    // Asking with a reply's ts gives the whole thread, as Slack does.
    const root = anchor.thread_ts ?? anchor.ts;
    const thread = list.filter((m) => m.ts === root || m.thread_ts === root);
    return page(thread.filter((m) => inWindow(m.ts, q)), q);
  }

  private list(channel: string): SlackMessage[] {
    let list = this.byChannel.get(channel);
    if (!list) {
      list = [];
      this.byChannel.set(channel, list);
    }
    return list;
  }
}

function noteReply(parent: SlackMessage, reply: SlackMessage): void {
  parent.thread_ts = parent.ts;
  parent.reply_count = (parent.reply_count ?? 0) + 1;
  const who = reply.user ?? reply.bot_id;
  const users = new Set(parent.reply_users ?? []);
  if (who !== undefined) users.add(who);
  parent.reply_users = [...users];
  parent.reply_users_count = users.size;
  if (parent.latest_reply === undefined || compareTs(reply.ts, parent.latest_reply) > 0) parent.latest_reply = reply.ts;
}

function recountReplies(parent: SlackMessage, list: SlackMessage[]): void {
  const replies = list.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
  parent.reply_count = replies.length;
  const users = [...new Set(replies.map((r) => r.user ?? r.bot_id).filter((u): u is string => u !== undefined))];
  parent.reply_users = users;
  parent.reply_users_count = users.length;
  const last = replies.at(-1);
  if (last) parent.latest_reply = last.ts;
  else delete parent.latest_reply;
}

function inWindow(ts: string, q: RangeQuery): boolean {
  if (q.oldest !== undefined) {
    const c = compareTs(ts, q.oldest);
    if (c < 0 || (c === 0 && !q.inclusive)) return false;
  }
  if (q.latest !== undefined) {
    const c = compareTs(ts, q.latest);
    if (c > 0 || (c === 0 && !q.inclusive)) return false;
  }
  return true;
}

// Cursors are opaque to clients; an offset into the filtered list is enough for a fake whose
// pages are read straight after each other.
function page(ordered: SlackMessage[], q: RangeQuery): Page {
  const start = q.cursor ? decodeCursor(q.cursor) : 0;
  const slice = ordered.slice(start, start + q.limit);
  const hasMore = start + q.limit < ordered.length;
  return {
    messages: structuredClone(slice),
    hasMore,
    nextCursor: hasMore ? Buffer.from(`offset:${start + q.limit}`).toString('base64') : '',
  };
}

function decodeCursor(cursor: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new ApiError('invalid_cursor');
  return Number(match[1]);
}
