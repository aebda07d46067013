import { ApiError, type ApiArgs } from '../args.js';
import { checkMessageContent } from '../block-kit.js';
import type { SlackMessage } from '../types.js';
import { botAuthor, type Workspace } from '../workspace.js';
import type { ApiTable } from './context.js';

// chat.*: every message the bot posts, edits or removes goes through here and into the
// workspace record, so tests assert on what people see rather than on call arguments.

export const chatMethods: ApiTable = {
  'chat.postMessage': (args, { ws }) => {
    const channel = ws.directory.resolveConversation(args.required('channel'));
    const content = messageContent(args);
    const threadTs = args.str('thread_ts');
    const broadcast = threadTs !== undefined && args.bool('reply_broadcast', false);
    const message = ws.messages.post(channel, {
      ...botAuthor(ws.identity),
      ...content,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      ...(broadcast ? { subtype: 'thread_broadcast' } : {}),
    });
    return { channel, ts: message.ts, message: asReturned(message) };
  },

  'chat.update': (args, { ws }) => {
    const channel = args.required('channel');
    const ts = args.required('ts');
    const existing = ws.messages.find(channel, ts);
    if (!existing) throw new ApiError(ws.directory.hasConversation(channel) ? 'message_not_found' : 'channel_not_found');
    // Slack lets an app edit only its own messages; editing a member's message is a bug to catch.
    if (existing.bot_id !== ws.identity.botId) throw new ApiError('cant_update_message');
    const content = messageContent(args);
    const updated = ws.messages.update(channel, ts, content, ws.identity.botUserId, ws.nextTs());
    return { channel, ts, text: updated.text, message: asReturned(updated) };
  },

  'chat.delete': (args, { ws, token }) => {
    const channel = args.required('channel');
    const ts = args.required('ts');
    const existing = ws.messages.find(channel, ts);
    if (!existing) throw new ApiError(ws.directory.hasConversation(channel) ? 'message_not_found' : 'channel_not_found');
    // A bot may delete only its own messages; a workspace admin's user token (xoxp-) may delete any.
    if (existing.bot_id !== ws.identity.botId && !token?.startsWith('xoxp-')) throw new ApiError('cant_delete_message');
    ws.messages.remove(channel, ts);
    return { channel, ts };
  },

  'chat.postEphemeral': (args, { ws }) => {
    const channel = ws.directory.resolveConversation(args.required('channel'));
    const user = args.required('user');
    if (!ws.directory.user(user)) throw new ApiError('user_not_in_channel');
    const { text, blocks } = messageContent(args);
    const threadTs = args.str('thread_ts');
    const ts = ws.nextTs();
    ws.ephemerals.add({ channel, user, text, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}), ts });
    return { message_ts: ts };
  },

  'chat.getPermalink': (args, { ws }) => {
    const channel = args.required('channel');
    const ts = args.required('message_ts');
    const message = ws.messages.find(channel, ts);
    if (!message) throw new ApiError(ws.directory.hasConversation(channel) ? 'message_not_found' : 'channel_not_found');
    return { channel, permalink: permalink(ws, message) };
  },
};

function messageContent(args: ApiArgs): { text: string; blocks?: any[]; attachments?: any[]; metadata?: unknown } {
  const text = args.str('text');
  const blocks = jsonArg(args, 'blocks');
  const attachments = jsonArg(args, 'attachments');
  const metadata = args.json('metadata');
  // Slack needs something to show (and uses text as the notification fallback).
  if (text === undefined && blocks === undefined && attachments === undefined) throw new ApiError('no_text');
  checkMessageContent(text, blocks);
  return {
    text: text ?? '',
    ...(blocks !== undefined ? { blocks: blocks as any[] } : {}),
    ...(attachments !== undefined ? { attachments: attachments as any[] } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

function jsonArg(args: ApiArgs, name: string): unknown {
  try {
    return args.json(name);
  } catch {
    throw new ApiError(`invalid_${name}_format`);
  }
}

/** A message as the Web API returns it: Slack leaves out the channel (it is beside it). */
export function asReturned(message: SlackMessage): Record<string, unknown> {
  const { channel: _channel, ...rest } = structuredClone(message);
  return { ...rest };
}

function permalink(ws: Workspace, message: SlackMessage): string {
  const domain = ws.directory.teamInfo().domain as string;
  const base = `https://${domain}.slack.com/archives/${message.channel}/p${message.ts.replace('.', '')}`;
  const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  return isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${message.channel}` : base;
}
