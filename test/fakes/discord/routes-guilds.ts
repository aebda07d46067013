// /guilds/...: reading the guild, its roles, channels and members, and editing a member — the
// route a timeout takes. Discord refuses to time out the owner or someone the bot cannot
// outrank, and caps timeouts at 28 days; the fake does the same so the bot's error paths run.

import type { FakeContext } from './context.js';
import { memberUpdated } from './events.js';
import { Errors } from './http.js';
import { channelPayload, guildPayload, memberPayload, rolePayload } from './payloads.js';
import { ALL_PERMISSIONS, P } from './permissions.js';
import { ok, type RestRequest, type Route } from './router.js';
import type { GuildRec } from './world.js';

const MAX_TIMEOUT_MS = 28 * 24 * 60 * 60 * 1000;

export function guildRoutes(ctx: FakeContext): Route[] {
  const { world } = ctx;

  function guild(req: RestRequest): GuildRec {
    const g = world.guilds.get(req.params.guild!);
    if (!g) throw Errors.unknownGuild();
    return g;
  }

  function highestRole(g: GuildRec, userId: string): number {
    const member = g.members.get(userId);
    return Math.max(0, ...(member?.roles ?? []).map((id) => g.roles.get(id)?.position ?? 0));
  }

  async function editMember(req: RestRequest) {
    const g = guild(req);
    const userId = req.params.user!;
    const member = g.members.get(userId);
    if (!member) throw Errors.unknownMember();
    const body = req.body ?? {};
    if ('communication_disabled_until' in body) {
      const perms = world.guildPermissions(g.id, ctx.botId);
      if (!(perms & P.ModerateMembers)) throw Errors.missingPermissions();
      // Owners, administrators and members at or above the bot's top role cannot be timed out.
      const targetPerms = world.guildPermissions(g.id, userId);
      if (userId === g.ownerId || targetPerms === ALL_PERMISSIONS || highestRole(g, userId) >= highestRole(g, ctx.botId)) throw Errors.missingPermissions();
      const until = body.communication_disabled_until;
      if (until !== null) {
        const at = typeof until === 'string' ? Date.parse(until) : NaN;
        if (Number.isNaN(at) || at - ctx.now() > MAX_TIMEOUT_MS) {
          throw Errors.invalidForm({ communication_disabled_until: { _errors: [{ code: 'BASE_TYPE_BAD_TIMESTAMP', message: 'Timeout must be within 28 days.' }] } });
        }
      }
      member.communicationDisabledUntil = until === null ? null : new Date(until).toISOString();
      ctx.timeouts.push({ guildId: g.id, userId, until: member.communicationDisabledUntil });
    }
    if ('nick' in body) {
      if (!(world.guildPermissions(g.id, ctx.botId) & P.ManageNicknames)) throw Errors.missingPermissions();
      member.nick = typeof body.nick === 'string' && body.nick !== '' ? body.nick : null;
    }
    await memberUpdated(ctx, g.id, userId);
    return ok(memberPayload(world, member));
  }

  return [
    { method: 'GET', pattern: '/guilds/:guild', handler: (req) => ok(guildPayload(guild(req))) },
    { method: 'GET', pattern: '/guilds/:guild/roles', handler: (req) => ok([...guild(req).roles.values()].map(rolePayload)) },
    { method: 'GET', pattern: '/guilds/:guild/channels', handler: (req) => ok(guild(req).channelIds.map((id) => channelPayload(world, world.channels.get(id)!))) },
    {
      method: 'GET',
      pattern: '/guilds/:guild/members',
      handler: (req) => {
        const limit = Math.min(Math.max(Number(req.query.limit ?? 1), 1), 1000);
        const after = req.query.after ? BigInt(req.query.after) : 0n;
        const members = [...guild(req).members.values()]
          .filter((m) => BigInt(m.userId) > after)
          .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
          .slice(0, limit);
        return ok(members.map((m) => memberPayload(world, m)));
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild/members/:user',
      handler: (req) => {
        const member = guild(req).members.get(req.params.user!);
        if (!member) throw Errors.unknownMember();
        return ok(memberPayload(world, member));
      },
    },
    { method: 'PATCH', pattern: '/guilds/:guild/members/:user', handler: editMember },
  ];
}
