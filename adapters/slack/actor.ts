import type { webApi } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import { PlatformError } from '../../src/errors.js';
import type { Actor } from '../../src/moderation/preconditions.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';
import { slackCall } from './errors.js';

type WebClient = webApi.WebClient;

const CACHE_MS = 5 * 60_000;
/** Enough for a large workspace's active members; each entry is a few dozen bytes. */
const MAX_USERS = 10_000;

interface Person {
  admin: boolean;
  name: string;
}

/**
 * Slack has no moderator permission: admins and owners moderate, as do the users and user groups
 * named in the settings. users.info and usergroups.users.list answers are cached for a few
 * minutes; a lookup in flight is shared (lru-cache's fetch), not repeated.
 */
export class SlackPeople {
  private readonly users: LRUCache<string, Person>;
  private readonly groups: LRUCache<string, string[]>;

  constructor(client: WebClient) {
    this.users = new LRUCache<string, Person>({
      max: MAX_USERS,
      ttl: CACHE_MS,
      fetchMethod: async (user) => {
        const info = (await slackCall('reading a member', () => client.users.info({ user }))).user;
        const name = info?.profile?.display_name || info?.real_name || info?.name || user;
        return { admin: Boolean(info?.is_admin || info?.is_owner || info?.is_primary_owner), name };
      },
    });
    this.groups = new LRUCache<string, string[]>({
      max: 1_000,
      ttl: CACHE_MS,
      fetchMethod: async (usergroup) => (await slackCall('reading a user group', () => client.usergroups.users.list({ usergroup }))).users ?? [],
    });
  }

  /**
   * Who is acting. A user group that cannot be read is an error the member hears about, never a
   * silent "not a moderator" that would lock real moderators out.
   */
  async actor(userId: string, settings: WorkspaceSettings): Promise<Actor> {
    const person = await this.person(userId);
    const roleIds: string[] = [];
    for (const group of settings.moderatorRoleIds) {
      const members = await this.groups.fetch(group);
      if (members === undefined) throw new PlatformError('failed', null, `user group ${group} could not be read`);
      if (members.includes(userId)) roleIds.push(group);
    }
    return { id: userId, roleIds, platformModerator: false, platformAdmin: person.admin };
  }

  /** A member's display name, for excerpts and cards (a raw id means nothing to a moderator). */
  async name(userId: string): Promise<string> {
    return (await this.person(userId)).name;
  }

  private async person(userId: string): Promise<Person> {
    const person = await this.users.fetch(userId);
    if (!person) throw new PlatformError('failed', null, `member ${userId} could not be read`);
    return person;
  }
}
