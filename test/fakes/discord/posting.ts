// Creating a stored message with every field Discord fills in, whoever posts it: a member (via a
// test), the bot (via REST) or an interaction response (via the webhook routes).

import type { FakeContext } from './context.js';
import { isoNow } from './context.js';
import type { StoredMessage } from './messages.js';
import { userPayload } from './payloads.js';
import type { FakeMessage } from './types.js';

export interface NewMessage {
  channelId: string;
  authorId: string;
  fields: Partial<FakeMessage>;
  ephemeral?: boolean;
  id?: string;
}

export function storeMessage(ctx: FakeContext, p: NewMessage): StoredMessage {
  const guildId = ctx.world.guildIdOf(p.channelId);
  const wire: FakeMessage = {
    id: p.id ?? ctx.ids(),
    channel_id: p.channelId,
    ...(guildId ? { guild_id: guildId } : {}),
    type: 0,
    content: '',
    author: userPayload(ctx.world.user(p.authorId)),
    embeds: [],
    components: [],
    attachments: [],
    flags: 0,
    timestamp: isoNow(ctx),
    edited_timestamp: null,
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    tts: false,
    pinned: false,
    ...p.fields,
  };
  return ctx.messages.add(wire, p.ephemeral ?? false);
}
