import { z } from 'zod';
import { caseStats } from '../src/moderation/stats.js';
import { isCaseId } from '../src/store/case.js';
import { defineCommand } from './define.js';
import { caseTimeline } from './notices.js';
import { flag, integer, ref, text } from './options.js';
import { adminOnly, moderatorOnly } from './preconditions.js';
import { errorReply } from './replies.js';

const DAY_MS = 24 * 60 * 60_000;

/** `/ethics stats`: the review numbers for a period, plus what the monitor decided. */
export const statsCommand = defineCommand({
  name: 'stats',
  description: 'Review cases and how the bot is doing',
  example: { days: 7 },
  options: z.object({
    days: integer('days', 'The period to report, in days (default 30)', { min: 1, max: 365 }).optional(),
    public: flag('Show the answer to the whole channel (default: only you)').optional(),
  }),
  positional: 'days',
  run: async ({ days = 30, public: isPublic = false }, ctx, deps) => {
    const since = deps.clock.now() - days * DAY_MS;
    const cases = await deps.cases.listByWorkspace(ctx.workspaceId, { since, limit: 10_000 });
    const stats = { ...caseStats(cases, since), decisions: await deps.activity.counters(ctx.workspaceId, since) };
    return { kind: 'stats', stats, days, ephemeral: !isPublic };
  },
});

/** `/ethics case <id>`: moderators see a case's whole timeline. */
export const caseCommand = defineCommand({
  name: 'case',
  description: 'A case’s full timeline (moderators)',
  example: { id: 'c_abcdefghij' },
  options: z.object({ id: text('The case id, e.g. c_abcdefghij', { name: 'id', max: 12 }) }),
  positional: 'id',
  preconditions: [moderatorOnly],
  run: async ({ id }, ctx, deps) => {
    const c = isCaseId(id) ? await deps.cases.get(id) : null;
    if (!c || c.workspaceId !== ctx.workspaceId) return errorReply(`No case "${id}" here. Case ids look like c_abcdefghij (see the card's title).`);
    return { kind: 'notice', text: caseTimeline(c), ephemeral: true };
  },
});

/** `/ethics forget <member>`: admins remove a member's stored text from this workspace. */
export const forgetCommand = defineCommand({
  name: 'forget',
  description: 'Remove a member’s stored messages (admins)',
  example: { user: 'U0123ABC' },
  options: z.object({ user: ref('user', 'The member whose stored messages normguard should forget') }),
  positional: 'user',
  preconditions: [adminOnly],
  run: async ({ user }, ctx, deps) => {
    const actor = await ctx.actor();
    const { cases } = await deps.caseService.forget(ctx.workspaceId, user, actor.id);
    const messages = deps.buffer.forgetAuthor(ctx.workspaceId, user);
    return {
      kind: 'notice',
      text: `Done: normguard removed <@${user}>’s stored text from ${cases} case${cases === 1 ? '' : 's'} and ${messages} recent message${messages === 1 ? '' : 's'} in memory. Verdicts and decisions remain for the statistics. Cached model answers expire on their own (NORMGUARD_CACHE_TTL_MS).`,
      ephemeral: true,
    };
  },
});
