// Gateway discovery, users, DM channels, the application and its commands.

import type { FakeContext } from './context.js';
import { Errors } from './http.js';
import { channelPayload, userPayload } from './payloads.js';
import { created, noContent, ok, type RestRequest, type Route } from './router.js';
import { validateCommand, validateCommandList } from './validate.js';

export function coreRoutes(ctx: FakeContext, gatewayUrl: () => string): Route[] {
  const { world, commands } = ctx;

  const gateway = () => ({ url: gatewayUrl() });
  const gatewayBot = () =>
    ok({
      ...gateway(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
    });

  const bot = () => ({ ...userPayload(world.user(ctx.botId)), verified: true, mfa_enabled: false, email: null, flags: 0, locale: 'en-US' });

  const application = () => ({
    id: ctx.applicationId,
    name: world.user(ctx.botId).username,
    icon: null,
    description: '',
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    team: null,
    owner: userPayload(world.user(ctx.botId)),
    bot: userPayload(world.user(ctx.botId)),
    approximate_guild_count: world.guilds.size,
    integration_types_config: { '0': {} },
  });

  function scope(req: RestRequest): string | undefined {
    if (req.params.app !== ctx.applicationId) throw Errors.missingAccess();
    const guildId = req.params.guild;
    if (guildId !== undefined && !world.guilds.has(guildId)) throw Errors.missingAccess();
    return guildId;
  }

  function openDm(req: RestRequest) {
    const recipient = req.body?.recipient_id;
    if (typeof recipient !== 'string' || !world.users.has(recipient)) throw Errors.unknownUser();
    return ok(channelPayload(world, world.dmChannelFor(recipient)));
  }

  const commandRoutes = (base: string): Route[] => [
    { method: 'GET', pattern: base, handler: (req) => ok(commands.list(scope(req))) },
    {
      method: 'PUT',
      pattern: base,
      handler: (req) => {
        const guildId = scope(req);
        validateCommandList(req.body);
        return ok(commands.replace(guildId, req.body));
      },
    },
    {
      method: 'POST',
      pattern: base,
      handler: (req) => {
        const guildId = scope(req);
        validateCommand(req.body ?? {});
        const { command, created: isNew } = commands.upsert(guildId, req.body);
        return isNew ? created(command) : ok(command);
      },
    },
    {
      method: 'GET',
      pattern: `${base}/:command`,
      handler: (req) => {
        const found = commands.get(scope(req), req.params.command!);
        if (!found) throw Errors.unknownCommand();
        return ok(found);
      },
    },
    {
      method: 'PATCH',
      pattern: `${base}/:command`,
      handler: (req) => {
        const found = commands.patch(scope(req), req.params.command!, req.body ?? {});
        if (!found) throw Errors.unknownCommand();
        return ok(found);
      },
    },
    {
      method: 'DELETE',
      pattern: `${base}/:command`,
      handler: (req) => {
        if (!commands.remove(scope(req), req.params.command!)) throw Errors.unknownCommand();
        return noContent();
      },
    },
  ];

  return [
    { method: 'GET', pattern: '/gateway', handler: () => ok(gateway()) },
    { method: 'GET', pattern: '/gateway/bot', handler: gatewayBot },
    { method: 'GET', pattern: '/users/@me', handler: () => ok(bot()) },
    {
      method: 'GET',
      pattern: '/users/:user',
      handler: (req) => {
        const user = world.users.get(req.params.user!);
        if (!user) throw Errors.unknownUser();
        return ok(userPayload(user));
      },
    },
    { method: 'POST', pattern: '/users/@me/channels', handler: openDm },
    { method: 'GET', pattern: '/applications/@me', handler: () => ok(application()) },
    ...commandRoutes('/applications/:app/commands'),
    ...commandRoutes('/applications/:app/guilds/:guild/commands'),
  ];
}
