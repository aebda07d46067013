import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';
import type { BufferedMessage } from '../../src/moderation/conversation-buffer.js';
import type { IncomingMessage } from '../../src/moderation/message.js';
import type { SlackPeople } from './actor.js';
import { slackCall } from './errors.js';
import { fromSlack } from './render/text.js';

/** A Slack message as events, shortcuts and history carry it. */
export interface SlackMessageLike {
  ts: string;
  user?: string;
  bot_id?: string;
  text?: string;
  thread_ts?: string;
  files?: unknown[];
}

/** Names for people, with the id as the last resort (a failed lookup must not stop an audit). */
export async function nameOf(people: SlackPeople, userId: string, logger: Logger): Promise<string> {
  try {
    return await people.name(userId);
  } catch (err) {
    logger.warn({ err, user: userId }, 'could not read a member’s name; showing the id');
    return userId;
  }
}

/** A Slack message as the core's neutral message: text decoded, the author named. */
export async function toIncoming(teamId: string, channel: string, m: SlackMessageLike, people: SlackPeople, logger: Logger): Promise<IncomingMessage> {
  const user = m.user ?? m.bot_id ?? '';
  return {
    platform: 'slack',
    workspaceId: teamId,
    channelId: channel,
    messageId: m.ts,
    text: fromSlack(m.text ?? ''),
    createdAt: Math.round(Number(m.ts) * 1000),
    attachments: m.files?.length ?? 0,
    url: null,
    replyTo: null,
    author: { id: user, name: m.user ? await nameOf(people, m.user, logger) : 'a bot', isBot: !m.user || m.bot_id !== undefined, isWebhook: false, roleIds: [], isNew: false },
  };
}

/** The messages before `ts` in its thread (conversations.replies) or channel (history), oldest first. */
export async function conversationBefore(client: webApi.WebClient, people: SlackPeople, logger: Logger, place: { channel: string; ts: string; threadTs?: string }): Promise<BufferedMessage[]> {
  const { channel, ts, threadTs } = place;
  const messages =
    threadTs && threadTs !== ts
      ? ((await slackCall('reading the thread', () => client.conversations.replies({ channel, ts: threadTs, limit: 50 }))).messages ?? []).filter((m) => Number(m.ts) < Number(ts))
      : ((await slackCall('reading the channel', () => client.conversations.history({ channel, latest: ts, inclusive: false, limit: 6 }))).messages ?? []).reverse();
  const out: BufferedMessage[] = [];
  for (const m of messages.slice(-6)) {
    out.push({
      messageId: m.ts ?? '',
      authorId: m.user ?? m.bot_id ?? '',
      authorName: m.user ? await nameOf(people, m.user, logger) : 'a bot',
      text: fromSlack(m.text ?? ''),
      createdAt: Math.round(Number(m.ts ?? 0) * 1000),
    });
  }
  return out;
}

/** Reads one message again by its place (a modal keeps only ids: a long message never fits its metadata). */
export async function fetchMessage(client: webApi.WebClient, place: { channel: string; ts: string; threadTs?: string }): Promise<SlackMessageLike | null> {
  const { channel, ts, threadTs } = place;
  const found =
    threadTs && threadTs !== ts
      ? (await slackCall('reading the thread', () => client.conversations.replies({ channel, ts: threadTs, limit: 1000 }))).messages
      : (await slackCall('reading the message', () => client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 }))).messages;
  const m = found?.find((x) => x.ts === ts);
  return m ? { ts, ...(m.user ? { user: m.user } : {}), ...(m.bot_id ? { bot_id: m.bot_id } : {}), text: m.text ?? '', ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) } : null;
}
