import type { WorkspaceSettings } from '../policy/settings.js';

/** Who is acting, as the adapter established it from the platform (Sapphire-style preconditions). */
export interface Actor {
  id: string;
  roleIds: readonly string[];
  /** Holds the platform's moderation permission (Discord: Manage Messages; Slack: admin/owner). */
  platformModerator: boolean;
  /** May change the bot's settings (Discord: Manage Server; Slack: admin/owner). */
  platformAdmin: boolean;
}

export type PreconditionResult = { ok: true } | { ok: false; message: string };

/** Only moderators may act on cases: the platform permission, or the configured role or user. */
export function isModerator(actor: Actor, settings: WorkspaceSettings): PreconditionResult {
  if (actor.platformModerator || actor.platformAdmin) return { ok: true };
  if (settings.moderatorUserIds.includes(actor.id)) return { ok: true };
  if (actor.roleIds.some((r) => settings.moderatorRoleIds.includes(r))) return { ok: true };
  return { ok: false, message: 'Only moderators can act on review cases.' };
}

export function isAdmin(actor: Actor): PreconditionResult {
  return actor.platformAdmin ? { ok: true } : { ok: false, message: 'Only server admins (Manage Server) can change normguard’s settings.' };
}
