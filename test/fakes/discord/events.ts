// Gateway dispatches caused by state changes, with Discord's per-session rules: which intent an
// event needs, and what a session without the MessageContent intent may not see. discord.js does
// not filter by intent itself, so a test only catches a missing intent if the fake does.

import type { FakeContext } from './context.js';
import { Intent, type SessionView } from './gateway.js';
import type { StoredMessage } from './messages.js';
import { channelPayload, memberPayload, partialMemberPayload } from './payloads.js';
import type { FakeMessage } from './types.js';
import type { ChannelRec } from './world.js';

function messageIntent(guildId: string | undefined): number {
  return guildId ? Intent.GuildMessages : Intent.DirectMessages;
}

/**
 * Without MessageContent, Discord blanks content, embeds, attachments and components — except in
 * DMs, in messages that mention the bot, and in the bot's own messages.
 */
function visibleTo(ctx: FakeContext, session: SessionView, msg: FakeMessage): FakeMessage {
  if (session.intents & Intent.MessageContent) return msg;
  if (!msg.guild_id || msg.author.id === ctx.botId || msg.mentions.some((u) => u.id === ctx.botId)) return msg;
  return { ...msg, content: '', embeds: [], attachments: [], components: [] };
}

/**
 * MESSAGE_CREATE/UPDATE carry `channel_type` (discord.js needs it to build an uncached DM
 * channel), and in guilds `guild_id`, the author's `member` and members of mentioned users.
 */
function gatewayMessage(ctx: FakeContext, stored: StoredMessage): FakeMessage {
  const msg = ctx.messages.render(stored);
  const channel = ctx.world.channels.get(stored.channelId);
  if (channel) msg.channel_type = channel.type;
  const guildId = ctx.world.guildIdOf(stored.channelId);
  if (!guildId) return msg;
  msg.guild_id = guildId;
  const member = msg.webhook_id ? undefined : ctx.world.member(guildId, msg.author.id);
  if (member) msg.member = partialMemberPayload(member);
  msg.mentions = msg.mentions.map((u) => {
    const m = ctx.world.member(guildId, u.id);
    return m ? { ...u, member: partialMemberPayload(m) } : u;
  });
  return msg;
}

function messageEvent(ctx: FakeContext, t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', stored: StoredMessage): Promise<void> {
  if (stored.ephemeral) return Promise.resolve();
  const msg = gatewayMessage(ctx, stored);
  const need = messageIntent(msg.guild_id);
  return ctx.gateway.dispatch(t, (s) => (s.intents & need ? visibleTo(ctx, s, msg) : undefined), msg.guild_id ? { guildId: msg.guild_id } : {});
}

export function messageCreated(ctx: FakeContext, stored: StoredMessage): Promise<void> {
  return messageEvent(ctx, 'MESSAGE_CREATE', stored);
}

export function messageUpdated(ctx: FakeContext, stored: StoredMessage): Promise<void> {
  return messageEvent(ctx, 'MESSAGE_UPDATE', stored);
}

export function messageDeleted(ctx: FakeContext, stored: StoredMessage): Promise<void> {
  if (stored.ephemeral) return Promise.resolve();
  const guildId = ctx.world.guildIdOf(stored.channelId);
  const d = { id: stored.wire.id, channel_id: stored.channelId, ...(guildId ? { guild_id: guildId } : {}) };
  const need = messageIntent(guildId);
  return ctx.gateway.dispatch('MESSAGE_DELETE', (s) => (s.intents & need ? d : undefined), guildId ? { guildId } : {});
}

function guildsEvent(ctx: FakeContext, t: string, d: Record<string, unknown>, guildId: string): Promise<void> {
  return ctx.gateway.dispatch(t, (s) => (s.intents & Intent.Guilds ? d : undefined), { guildId });
}

export function threadCreated(ctx: FakeContext, thread: ChannelRec): Promise<void> {
  const d = {
    ...channelPayload(ctx.world, thread),
    newly_created: true,
    member: { id: thread.id, user_id: ctx.botId, join_timestamp: thread.thread?.createTimestamp, flags: 1 },
  };
  return guildsEvent(ctx, 'THREAD_CREATE', d, thread.guildId!);
}

export function channelUpdated(ctx: FakeContext, channel: ChannelRec): Promise<void> {
  if (!channel.guildId) return Promise.resolve();
  return guildsEvent(ctx, channel.thread ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', channelPayload(ctx.world, channel), channel.guildId);
}

export function memberUpdated(ctx: FakeContext, guildId: string, userId: string): Promise<void> {
  const member = ctx.world.member(guildId, userId);
  if (!member) return Promise.resolve();
  const d = { guild_id: guildId, ...memberPayload(ctx.world, member) };
  return ctx.gateway.dispatch('GUILD_MEMBER_UPDATE', (s) => (s.intents & Intent.GuildMembers ? d : undefined), { guildId });
}

export function interactionCreated(ctx: FakeContext, payload: Record<string, unknown>, guildId: string | undefined): Promise<void> {
  return ctx.gateway.dispatch('INTERACTION_CREATE', () => payload, guildId ? { guildId } : {});
}
