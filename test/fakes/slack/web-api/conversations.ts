import { ApiError, type ApiArgs } from '../args.js';
import type { RangeQuery } from '../messages.js';
import type { Workspace } from '../workspace.js';
import { asReturned } from './chat.js';
import type { ApiTable } from './context.js';

// conversations.*: reading the channel record back (history for the context the model sees,
// replies for review threads) and opening DMs.

export const conversationMethods: ApiTable = {
  'conversations.history': (args, { ws }) => {
    const channel = knownChannel(ws, args.required('channel'));
    const page = ws.messages.history(channel, range(args, 100));
    return {
      messages: page.messages.map(asReturned),
      has_more: page.hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.replies': (args, { ws }) => {
    const channel = knownChannel(ws, args.required('channel'));
    const page = ws.messages.replies(channel, args.required('ts'), range(args, 1000));
    return {
      messages: page.messages.map(asReturned),
      has_more: page.hasMore,
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.info': (args, { ws }) => ({ channel: ws.directory.conversationInfo(args.required('channel')) }),

  'conversations.open': (args, { ws }) => {
    const users = args.list('users');
    const channel = args.str('channel');
    if (users.length === 0 && channel === undefined) throw new ApiError('invalid_arguments', { detail: 'users or channel is required' });
    if (users.length > 1) throw new ApiError('invalid_arguments', { detail: 'the fake opens one-to-one DMs only' });
    let id: string;
    let alreadyOpen = false;
    if (users[0] !== undefined) {
      alreadyOpen = ws.directory.dmChannelOf(users[0]) !== undefined;
      id = ws.directory.openDm(users[0]);
    } else {
      id = knownChannel(ws, channel as string);
      alreadyOpen = true;
    }
    const info = args.bool('return_im', false) ? ws.directory.conversationInfo(id) : { id };
    return { no_op: alreadyOpen, already_open: alreadyOpen, channel: info };
  },
};

function knownChannel(ws: Workspace, channel: string): string {
  if (!ws.directory.hasConversation(channel)) throw new ApiError('channel_not_found');
  return channel;
}

function range(args: ApiArgs, defaultLimit: number): RangeQuery {
  // Slack treats limit 0 as "the default" and caps pages at 999/1000.
  const asked = args.int('limit', defaultLimit);
  const limit = asked <= 0 ? defaultLimit : Math.min(asked, 1000);
  const latest = args.str('latest');
  const oldest = args.str('oldest');
  const cursor = args.str('cursor');
  return {
    limit,
    inclusive: args.bool('inclusive', false),
    ...(latest !== undefined ? { latest } : {}),
    ...(oldest !== undefined ? { oldest } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}
