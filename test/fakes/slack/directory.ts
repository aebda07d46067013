import { ApiError } from './args.js';
import type { FakeChannel, FakeUser, FakeUsergroup } from './types.js';

// Who and where: the workspace's users, channels, user groups and the bot's DM channels, shaped
// into the objects users.info / conversations.info / usergroups.* return.

export interface Identity {
  teamId: string;
  teamName: string;
  appId: string;
  botUserId: string;
  botId: string;
}

interface Conversation {
  id: string;
  name?: string;
  isPrivate: boolean;
  /** Set for a DM: the human on the other side. */
  dmUser?: string;
  created: number;
}

export class Directory {
  private readonly users = new Map<string, FakeUser>();
  private readonly conversations = new Map<string, Conversation>();
  private readonly usergroups = new Map<string, FakeUsergroup>();
  private readonly dmByUser = new Map<string, string>();
  private dmCount = 0;
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    readonly identity: Identity,
    users: FakeUser[],
    channels: FakeChannel[],
    usergroups: FakeUsergroup[],
  ) {
    for (const u of users) this.users.set(u.id, { ...u });
    // users.info on the bot itself must work (apps look up who posted), so it always exists.
    if (!this.users.has(identity.botUserId)) {
      this.users.set(identity.botUserId, { id: identity.botUserId, name: 'normguard', isBot: true });
    }
    for (const c of channels) {
      this.conversations.set(c.id, { id: c.id, name: c.name, isPrivate: c.isPrivate ?? false, created: this.created });
    }
    for (const g of usergroups) this.usergroups.set(g.id, { ...g, users: [...g.users] });
  }

  user(id: string): FakeUser | undefined {
    return this.users.get(id);
  }

  hasConversation(id: string): boolean {
    return this.conversations.has(id);
  }

  /** The channel a message to `channelOrUser` lands in: posting to a user id means their DM. */
  resolveConversation(channelOrUser: string): string {
    if (this.conversations.has(channelOrUser)) return channelOrUser;
    if (this.users.has(channelOrUser)) return this.openDm(channelOrUser);
    throw new ApiError('channel_not_found');
  }

  openDm(userId: string): string {
    if (!this.users.has(userId)) throw new ApiError('user_not_found');
    const existing = this.dmByUser.get(userId);
    if (existing) return existing;
    const id = `D${String(++this.dmCount).padStart(4, '0')}`;
    this.dmByUser.set(userId, id);
    this.conversations.set(id, { id, isPrivate: true, dmUser: userId, created: Math.floor(Date.now() / 1000) });
    return id;
  }

  dmChannelOf(userId: string): string | undefined {
    return this.dmByUser.get(userId);
  }

  conversationInfo(id: string): Record<string, unknown> {
    const c = this.conversations.get(id);
    if (!c) throw new ApiError('channel_not_found');
    if (c.dmUser !== undefined) {
      return { id: c.id, created: c.created, is_im: true, is_org_shared: false, user: c.dmUser, is_user_deleted: false, priority: 0 };
    }
    return {
      id: c.id,
      name: c.name,
      name_normalized: c.name,
      created: c.created,
      creator: this.identity.botUserId,
      is_channel: !c.isPrivate,
      is_group: c.isPrivate,
      is_im: false,
      is_mpim: false,
      is_private: c.isPrivate,
      is_archived: false,
      is_general: c.name === 'general',
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      is_member: true,
      context_team_id: this.identity.teamId,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
    };
  }

  userInfo(id: string): Record<string, unknown> {
    const u = this.users.get(id);
    if (!u) throw new ApiError('user_not_found');
    const isBot = u.isBot ?? false;
    return {
      id: u.id,
      team_id: this.identity.teamId,
      name: u.name,
      real_name: u.name,
      deleted: false,
      tz: u.tz ?? 'Europe/London',
      tz_label: 'Greenwich Mean Time',
      tz_offset: 0,
      is_admin: u.isAdmin ?? false,
      is_owner: u.isOwner ?? false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: isBot,
      is_app_user: false,
      updated: this.created,
      profile: {
        real_name: u.name,
        display_name: u.name,
        team: this.identity.teamId,
        ...(isBot && u.id === this.identity.botUserId ? { bot_id: this.identity.botId, api_app_id: this.identity.appId } : {}),
      },
    };
  }

  usergroupMembers(id: string): string[] {
    const g = this.usergroups.get(id);
    if (!g) throw new ApiError('no_such_subteam');
    return [...g.users];
  }

  usergroupList(includeUsers: boolean): Array<Record<string, unknown>> {
    return [...this.usergroups.values()].map((g) => ({
      id: g.id,
      team_id: this.identity.teamId,
      is_usergroup: true,
      name: g.name ?? g.handle,
      handle: g.handle,
      description: '',
      is_external: false,
      date_delete: 0,
      user_count: g.users.length,
      ...(includeUsers ? { users: [...g.users] } : {}),
    }));
  }

  teamInfo(): Record<string, unknown> {
    const { teamId, teamName } = this.identity;
    const domain = teamName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return { id: teamId, name: teamName, domain, email_domain: '', icon: { image_default: true } };
  }
}
