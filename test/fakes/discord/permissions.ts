// Permission bits and Discord's permission algorithm. Interactions carry the invoker's computed
// permissions (`member.permissions`) and the bot's (`app_permissions`); computing them from roles
// and overwrites lets a fixture make someone a moderator just by giving them the role.
// The bits are copied from Discord's docs rather than imported, so the fake does not lean on the
// client library it is supposed to check.

export const P = {
  KickMembers: 1n << 1n,
  BanMembers: 1n << 2n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewAuditLog: 1n << 7n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  ManageNicknames: 1n << 27n,
  ManageRoles: 1n << 28n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
  ModerateMembers: 1n << 40n,
} as const;

/** Every permission Discord defines today (bits 0..50); what owners and administrators get. */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;

/** What a fresh server grants @everyone. */
export const EVERYONE_DEFAULT =
  P.ViewChannel |
  P.SendMessages |
  P.AddReactions |
  P.EmbedLinks |
  P.AttachFiles |
  P.ReadMessageHistory |
  P.UseExternalEmojis |
  P.ChangeNickname |
  P.UseApplicationCommands |
  P.CreatePublicThreads |
  P.CreatePrivateThreads |
  P.SendMessagesInThreads;

export interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  userId: string;
  /** Role ids of the member, without @everyone. */
  roleIds: string[];
  rolePermissions: (roleId: string) => bigint;
  /** A timed-out member keeps only viewing rights, as on Discord. */
  timedOut: boolean;
}

export function toBits(value: bigint | string | number): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

export function basePermissions(s: PermissionSubject): bigint {
  if (s.userId === s.ownerId) return ALL_PERMISSIONS;
  let bits = s.rolePermissions(s.guildId);
  for (const role of s.roleIds) bits |= s.rolePermissions(role);
  if (bits & P.Administrator) return ALL_PERMISSIONS;
  return bits;
}

/** Discord's order: @everyone overwrite, then all role overwrites together, then the member's own. */
export function channelPermissions(s: PermissionSubject, overwrites: Overwrite[]): bigint {
  let bits = basePermissions(s);
  if (bits === ALL_PERMISSIONS) return bits;
  const apply = (ow: { allow: bigint; deny: bigint }) => {
    bits = (bits & ~ow.deny) | ow.allow;
  };
  const everyone = overwrites.find((o) => o.type === 0 && o.id === s.guildId);
  if (everyone) apply({ allow: toBits(everyone.allow), deny: toBits(everyone.deny) });
  const roles = { allow: 0n, deny: 0n };
  for (const o of overwrites) {
    if (o.type === 0 && s.roleIds.includes(o.id)) {
      roles.allow |= toBits(o.allow);
      roles.deny |= toBits(o.deny);
    }
  }
  apply(roles);
  const own = overwrites.find((o) => o.type === 1 && o.id === s.userId);
  if (own) apply({ allow: toBits(own.allow), deny: toBits(own.deny) });
  if (s.timedOut) bits &= P.ViewChannel | P.ReadMessageHistory;
  return bits;
}
