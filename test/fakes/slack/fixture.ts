import type { FakeChannel, FakeUser, FakeUsergroup } from './types.js';

// The default workspace. Ids are readable rather than Slack-shaped (Slack's are opaque uppercase
// strings) so failing assertions say who and where; nothing in Bolt checks their form.

const users = {
  alice: { id: 'U_ALICE', name: 'alice' },
  bob: { id: 'U_BOB', name: 'bob' },
  admin: { id: 'U_ADMIN', name: 'admin', isAdmin: true },
  owner: { id: 'U_OWNER', name: 'owner', isAdmin: true, isOwner: true },
  /** Not an admin: allowed to configure only through the moderators user group. */
  mod: { id: 'U_MOD', name: 'mod' },
  bot: { id: 'U_BOT', name: 'normguard', isBot: true },
} as const satisfies Record<string, FakeUser>;

const channels = {
  general: { id: 'C_GENERAL', name: 'general' },
  random: { id: 'C_RANDOM', name: 'random' },
  mods: { id: 'C_MODS', name: 'mods' },
} as const satisfies Record<string, FakeChannel>;

const usergroups = {
  moderators: { id: 'S_MODS', handle: 'moderators', name: 'Moderators', users: [users.mod.id] },
} as const satisfies Record<string, FakeUsergroup>;

export const SLACK_FIXTURE = {
  teamId: 'T0001',
  teamName: 'Normguard Test',
  teamDomain: 'normguard-test',
  appId: 'A0001',
  botId: 'B0001',
  botUserId: users.bot.id,
  users,
  channels,
  usergroups,
} as const;

/** Mutable copies for a fresh fake, so no test can change the shared constants. */
export function defaultUsers(): FakeUser[] {
  return Object.values(SLACK_FIXTURE.users).map((u) => ({ ...u }));
}

export function defaultChannels(): FakeChannel[] {
  return Object.values(SLACK_FIXTURE.channels).map((c) => ({ ...c }));
}

export function defaultUsergroups(): FakeUsergroup[] {
  return Object.values(SLACK_FIXTURE.usergroups).map((g) => ({ ...g, users: [...g.users] }));
}
