// Who and where: users, guilds with roles and members, channels, threads and DM channels.
// Messages, commands and interactions live in their own stores; this one answers "does this
// exist, who is in it, what may they do".

import { channelPermissions, toBits, type Overwrite } from './permissions.js';
import type { Snowflakes } from './snowflake.js';
import type { GuildSpec, UserSpec } from './types.js';

export const ChannelType = { GuildText: 0, DM: 1, GuildAnnouncement: 5, AnnouncementThread: 10, PublicThread: 11, PrivateThread: 12 } as const;

export interface UserRec {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleRec {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  managed: boolean;
  botId?: string;
}

export interface MemberRec {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  communicationDisabledUntil: string | null;
}

export interface GuildRec {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, RoleRec>;
  members: Map<string, MemberRec>;
  /** Non-thread channels, in fixture order. */
  channelIds: string[];
}

export interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  createTimestamp: string;
  archiveTimestamp: string;
  invitable: boolean;
  memberIds: Set<string>;
  messageCount: number;
  starterMessageId?: string;
}

export interface ChannelRec {
  id: string;
  type: number;
  name: string | null;
  guildId?: string;
  position: number;
  topic: string | null;
  parentId: string | null;
  overwrites: Overwrite[];
  lastMessageId: string | null;
  rateLimitPerUser: number;
  thread?: ThreadState;
  /** The other side of a DM channel. */
  recipientId?: string;
}

export function isThread(type: number): boolean {
  return type === ChannelType.AnnouncementThread || type === ChannelType.PublicThread || type === ChannelType.PrivateThread;
}

export function isTextBased(type: number): boolean {
  return type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement || type === ChannelType.DM || isThread(type);
}

export class World {
  readonly users = new Map<string, UserRec>();
  readonly guilds = new Map<string, GuildRec>();
  readonly channels = new Map<string, ChannelRec>();
  private readonly dmByUser = new Map<string, string>();

  constructor(
    readonly botId: string,
    guilds: GuildSpec[],
    private readonly ids: Snowflakes,
    private readonly now: () => number,
  ) {
    for (const spec of guilds) this.addGuild(spec);
  }

  private addUser(spec: UserSpec): UserRec {
    const rec: UserRec = { id: spec.id, username: spec.username, globalName: spec.globalName ?? null, bot: spec.bot ?? false };
    this.users.set(rec.id, rec);
    return rec;
  }

  private addGuild(spec: GuildSpec): void {
    if (!spec.roles.some((r) => r.id === spec.id)) throw new Error(`guild ${spec.id}: the @everyone role must have the guild's id`);
    const guild: GuildRec = { id: spec.id, name: spec.name, ownerId: spec.ownerId, roles: new Map(), members: new Map(), channelIds: [] };
    spec.roles.forEach((r, i) => {
      guild.roles.set(r.id, {
        id: r.id,
        name: r.name,
        permissions: toBits(r.permissions),
        position: r.position ?? i,
        color: r.color ?? 0,
        managed: r.managed ?? false,
        ...(r.botId ? { botId: r.botId } : {}),
      });
    });
    for (const m of spec.members) {
      if (!this.users.has(m.user.id)) this.addUser(m.user);
      guild.members.set(m.user.id, {
        userId: m.user.id,
        roles: [...m.roles],
        nick: m.nick ?? null,
        joinedAt: m.joinedAt ?? new Date(this.now()).toISOString(),
        communicationDisabledUntil: null,
      });
    }
    spec.channels.forEach((c, i) => {
      this.channels.set(c.id, {
        id: c.id,
        type: c.type ?? ChannelType.GuildText,
        name: c.name,
        guildId: spec.id,
        position: i,
        topic: c.topic ?? null,
        parentId: c.parentId ?? null,
        overwrites: c.permissionOverwrites ? c.permissionOverwrites.map((o) => ({ ...o })) : [],
        lastMessageId: null,
        rateLimitPerUser: 0,
      });
      guild.channelIds.push(c.id);
    });
    this.guilds.set(guild.id, guild);
  }

  /** A user the fixture did not name still exists on Discord; invent a plain one rather than fail. */
  user(id: string): UserRec {
    return this.users.get(id) ?? this.addUser({ id, username: `user${id.slice(-4)}` });
  }

  member(guildId: string, userId: string): MemberRec | undefined {
    return this.guilds.get(guildId)?.members.get(userId);
  }

  /** Threads inherit their parent's overwrites; DMs have no guild permissions at all. */
  permissionsIn(channelId: string, userId: string): bigint {
    const channel = this.channels.get(channelId);
    if (!channel?.guildId) return 0n;
    const guild = this.guilds.get(channel.guildId);
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    const source = channel.thread && channel.parentId ? (this.channels.get(channel.parentId) ?? channel) : channel;
    const until = member.communicationDisabledUntil;
    return channelPermissions(
      {
        guildId: guild.id,
        ownerId: guild.ownerId,
        userId,
        roleIds: member.roles,
        rolePermissions: (id) => guild.roles.get(id)?.permissions ?? 0n,
        timedOut: until !== null && Date.parse(until) > this.now(),
      },
      source.overwrites,
    );
  }

  guildPermissions(guildId: string, userId: string): bigint {
    const guild = this.guilds.get(guildId);
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    return channelPermissions(
      {
        guildId,
        ownerId: guild.ownerId,
        userId,
        roleIds: member.roles,
        rolePermissions: (id) => guild.roles.get(id)?.permissions ?? 0n,
        timedOut: false,
      },
      [],
    );
  }

  /** One DM channel per user, as Discord returns the same channel for repeated opens. */
  dmChannelFor(userId: string): ChannelRec {
    const existing = this.dmByUser.get(userId);
    if (existing) return this.channels.get(existing)!;
    this.user(userId);
    const rec: ChannelRec = {
      id: this.ids(),
      type: ChannelType.DM,
      name: null,
      position: 0,
      topic: null,
      parentId: null,
      overwrites: [],
      lastMessageId: null,
      rateLimitPerUser: 0,
      recipientId: userId,
    };
    this.channels.set(rec.id, rec);
    this.dmByUser.set(userId, rec.id);
    return rec;
  }

  dmChannelIdOf(userId: string): string | undefined {
    return this.dmByUser.get(userId);
  }

  addThread(p: { id: string; parentId: string; name: string; type: number; autoArchiveDuration: number; invitable: boolean; starterMessageId?: string }): ChannelRec {
    const parent = this.channels.get(p.parentId);
    if (!parent?.guildId) throw new Error(`thread parent ${p.parentId} is not a guild channel`);
    const at = new Date(this.now()).toISOString();
    const rec: ChannelRec = {
      id: p.id,
      type: p.type,
      name: p.name,
      guildId: parent.guildId,
      position: 0,
      topic: null,
      parentId: p.parentId,
      overwrites: [],
      lastMessageId: null,
      rateLimitPerUser: 0,
      thread: {
        ownerId: this.botId,
        archived: false,
        locked: false,
        autoArchiveDuration: p.autoArchiveDuration,
        createTimestamp: at,
        archiveTimestamp: at,
        invitable: p.invitable,
        memberIds: new Set([this.botId]),
        messageCount: 0,
        ...(p.starterMessageId ? { starterMessageId: p.starterMessageId } : {}),
      },
    };
    this.channels.set(rec.id, rec);
    return rec;
  }

  threadsOf(guildId: string): ChannelRec[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId && c.thread);
  }

  /** Which guild an event in this channel belongs to, for routing and `guild_id` fields. */
  guildIdOf(channelId: string): string | undefined {
    return this.channels.get(channelId)?.guildId;
  }
}
