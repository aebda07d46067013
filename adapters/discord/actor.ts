import { PermissionFlagsBits, type Interaction } from 'discord.js';
import type { Actor } from '../../src/moderation/preconditions.js';

/** Who clicked or typed, in the core's terms. Permissions come from the interaction itself. */
export function actorOf(interaction: Interaction): Actor {
  const perms = interaction.memberPermissions;
  const member = interaction.member;
  const roleIds = member ? (Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()]) : [];
  return {
    id: interaction.user.id,
    roleIds,
    platformModerator: perms?.has(PermissionFlagsBits.ManageMessages) ?? false,
    platformAdmin: perms?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}
