import { isModerator } from '../src/moderation/preconditions.js';
import type { Precondition, Surface } from './define.js';

/** Who may change settings, in each platform's own words. */
const ADMINS: Record<Surface, string> = {
  discord: 'Only server admins (Manage Server) can do that.',
  slack: 'Only workspace admins can do that.',
  cli: 'Only admins can do that.',
  http: 'Only admins can do that.',
};

export const adminOnly: Precondition = {
  name: 'admin',
  check: async (ctx) => ((await ctx.actor()).platformAdmin ? { ok: true } : { ok: false, message: ADMINS[ctx.surface] }),
};

export const moderatorOnly: Precondition = {
  name: 'moderator',
  check: async (ctx, deps) => isModerator(await ctx.actor(), await deps.settings.get(ctx.workspaceId)),
};
