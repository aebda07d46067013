// The default guild every test gets unless it passes its own. Ids are fixed snowflakes from 2023,
// older than anything the fake mints at run time, so history order and timestamps stay sensible.

import { EVERYONE_DEFAULT, P } from './permissions.js';
import type { GuildSpec } from './types.js';

const APPLICATION_ID = '1100000000000000001';
const GUILD_ID = '1200000000000000001';

export const FIXTURE = {
  applicationId: APPLICATION_ID,
  guildId: GUILD_ID,
  guildName: 'Test Guild',
  channels: {
    general: '1200000000000000011',
    random: '1200000000000000012',
    mods: '1200000000000000013',
  },
  roles: {
    /** @everyone shares the guild's id, as on Discord. */
    everyone: GUILD_ID,
    moderator: '1200000000000000021',
    /** The integration role Discord gives a bot when it is added with permissions. */
    bot: '1200000000000000022',
  },
  users: {
    alice: '1300000000000000001',
    bob: '1300000000000000002',
    mod: '1300000000000000003',
    /** Owns the guild, so the moderator is a plain moderator and not all-powerful. */
    owner: '1300000000000000004',
    /** A bot user's id is its application's id. */
    bot: APPLICATION_ID,
  },
  botUsername: 'normguard',
  /** What the Moderator role grants. */
  moderatorPermissions: P.ManageMessages | P.ManageThreads | P.ModerateMembers | P.ManageGuild | P.KickMembers | P.ViewAuditLog,
} as const;

const BOT_PERMISSIONS =
  P.ViewChannel |
  P.SendMessages |
  P.EmbedLinks |
  P.ReadMessageHistory |
  P.ManageMessages |
  P.ManageThreads |
  P.CreatePublicThreads |
  P.SendMessagesInThreads |
  P.ModerateMembers;

export function defaultGuild(botId: string = FIXTURE.users.bot, botUsername: string = FIXTURE.botUsername): GuildSpec {
  const joinedAt = '2023-06-01T12:00:00.000000+00:00';
  return {
    id: FIXTURE.guildId,
    name: FIXTURE.guildName,
    ownerId: FIXTURE.users.owner,
    channels: [
      { id: FIXTURE.channels.general, name: 'general' },
      { id: FIXTURE.channels.random, name: 'random' },
      { id: FIXTURE.channels.mods, name: 'mods', topic: 'Moderator review cases' },
    ],
    roles: [
      { id: FIXTURE.roles.everyone, name: '@everyone', permissions: EVERYONE_DEFAULT, position: 0 },
      { id: FIXTURE.roles.moderator, name: 'Moderator', permissions: FIXTURE.moderatorPermissions, position: 2, color: 0x3498db },
      { id: FIXTURE.roles.bot, name: botUsername, permissions: BOT_PERMISSIONS, position: 1, managed: true, botId },
    ],
    members: [
      { user: { id: FIXTURE.users.alice, username: 'alice', globalName: 'Alice' }, roles: [], joinedAt },
      { user: { id: FIXTURE.users.bob, username: 'bob', globalName: 'Bob' }, roles: [], joinedAt },
      { user: { id: FIXTURE.users.mod, username: 'mod', globalName: 'Mod' }, roles: [FIXTURE.roles.moderator], joinedAt },
      { user: { id: FIXTURE.users.owner, username: 'owner', globalName: 'Owner' }, roles: [], joinedAt },
      { user: { id: botId, username: botUsername, bot: true }, roles: [FIXTURE.roles.bot], joinedAt },
    ],
  };
}
