// Wire shapes of users, members, roles, channels and guilds, built from the world's records.
// One builder per object so GUILD_CREATE, REST answers and interactions all send the same shape:
// discord.js overwrites its cached channel with an interaction's `channel`, so any drift between
// two copies of a channel object would show up as a changed channel in the client.

import type { WireUser } from './types.js';
import type { ChannelRec, GuildRec, MemberRec, RoleRec, UserRec, World } from './world.js';

export function userPayload(u: UserRec): WireUser {
  return {
    id: u.id,
    username: u.username,
    global_name: u.globalName,
    discriminator: '0',
    avatar: null,
    avatar_decoration_data: null,
    banner: null,
    accent_color: null,
    public_flags: 0,
    primary_guild: null,
    ...(u.bot ? { bot: true } : {}),
  };
}

/** A member as Discord nests it inside messages: everything but the user. */
export function partialMemberPayload(m: MemberRec): Record<string, unknown> {
  return {
    roles: [...m.roles],
    nick: m.nick,
    avatar: null,
    banner: null,
    joined_at: m.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: m.communicationDisabledUntil,
  };
}

export function memberPayload(world: World, m: MemberRec): Record<string, unknown> {
  return { user: userPayload(world.user(m.userId)), ...partialMemberPayload(m) };
}

export function rolePayload(r: RoleRec): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    description: null,
    color: r.color,
    colors: { primary_color: r.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.managed,
    mentionable: false,
    flags: 0,
    ...(r.botId ? { tags: { bot_id: r.botId } } : {}),
  };
}

export function channelPayload(world: World, c: ChannelRec): Record<string, unknown> {
  if (c.recipientId !== undefined) {
    return {
      id: c.id,
      type: c.type,
      last_message_id: c.lastMessageId,
      flags: 0,
      recipients: [userPayload(world.user(c.recipientId))],
    };
  }
  const base: Record<string, unknown> = {
    id: c.id,
    type: c.type,
    guild_id: c.guildId,
    name: c.name,
    parent_id: c.parentId,
    last_message_id: c.lastMessageId,
    rate_limit_per_user: c.rateLimitPerUser,
    flags: 0,
  };
  if (!c.thread) {
    return { ...base, position: c.position, permission_overwrites: c.overwrites.map((o) => ({ ...o })), topic: c.topic, nsfw: false };
  }
  const t = c.thread;
  return {
    ...base,
    owner_id: t.ownerId,
    message_count: t.messageCount,
    total_message_sent: t.messageCount,
    member_count: t.memberIds.size,
    thread_metadata: {
      archived: t.archived,
      auto_archive_duration: t.autoArchiveDuration,
      archive_timestamp: t.archiveTimestamp,
      locked: t.locked,
      create_timestamp: t.createTimestamp,
      ...(c.type === 12 ? { invitable: t.invitable } : {}),
    },
  };
}

function guildFields(g: GuildRec): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    max_members: 500000,
    max_video_channel_users: 25,
    roles: [...g.roles.values()].map(rolePayload),
    emojis: [],
    stickers: [],
  };
}

/** GET /guilds/:id — no channels or members, as on Discord. */
export function guildPayload(g: GuildRec): Record<string, unknown> {
  return { ...guildFields(g), approximate_member_count: g.members.size, approximate_presence_count: 0 };
}

/** The GUILD_CREATE dispatch: the guild plus everything the client caches. */
export function guildCreatePayload(world: World, g: GuildRec, joinedAt: string): Record<string, unknown> {
  return {
    ...guildFields(g),
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: g.members.size,
    members: [...g.members.values()].map((m) => memberPayload(world, m)),
    channels: g.channelIds.map((id) => channelPayload(world, world.channels.get(id)!)),
    threads: world.threadsOf(g.id).filter((t) => !t.thread?.archived).map((t) => channelPayload(world, t)),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}
