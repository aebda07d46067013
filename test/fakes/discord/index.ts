// A fake Discord on 127.0.0.1 — gateway WebSocket and REST on one HTTP server — that speaks the
// genuine wire protocol, so tests drive the real discord.js Client against it. Each call owns its
// own state; test/fakes/discord/README.md lists the protocol facts it follows.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Changes } from './changes.js';
import { CommandStore } from './commands.js';
import type { FakeContext } from './context.js';
import { defaultGuild, FIXTURE } from './fixture.js';
import { Gateway, Intent, PRIVILEGED_INTENTS } from './gateway.js';
import { Injector } from './inject.js';
import { createDiscordOAuth } from './oauth.js';
import { InteractionStore } from './interactions.js';
import { MessageStore } from './messages.js';
import { guildCreatePayload, memberPayload, userPayload } from './payloads.js';
import { Replies } from './replies.js';
import { pathMatches, RestServer } from './rest-server.js';
import { Router } from './router.js';
import { channelRoutes } from './routes-channels.js';
import { coreRoutes } from './routes-core.js';
import { guildRoutes } from './routes-guilds.js';
import { interactionRoutes } from './routes-interactions.js';
import { createSnowflakes } from './snowflake.js';
import type { FakeDiscord, FakeDiscordOptions, GuildSpec, RestCall } from './types.js';
import { World } from './world.js';

export type * from './types.js';
export { FIXTURE, defaultGuild } from './fixture.js';
export { P as Permissions, ALL_PERMISSIONS, EVERYONE_DEFAULT } from './permissions.js';
export { Intent } from './gateway.js';

export const FAKE_DISCORD_HOST = '127.0.0.1';

/** The bot is a member of every guild it is in; add it when a custom fixture forgets. */
function withBot(guilds: GuildSpec[], bot: { id: string; username: string }): GuildSpec[] {
  return guilds.map((g) =>
    g.members.some((m) => m.user.id === bot.id) ? g : { ...g, members: [...g.members, { user: { ...bot, bot: true }, roles: [] }] },
  );
}

function describeCalls(calls: RestCall[]): string {
  const recent = calls.slice(-20);
  if (recent.length === 0) return '  (none)';
  return recent.map((c) => `  ${c.status} ${c.method} ${c.path}${Object.keys(c.query).length ? `?${new URLSearchParams(c.query)}` : ''}`).join('\n');
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const applicationId = options.applicationId ?? FIXTURE.applicationId;
  const bot = options.bot ?? { id: applicationId, username: FIXTURE.botUsername };
  const guildSpecs = withBot(options.guilds ?? [defaultGuild(bot.id, bot.username)], bot);
  const now = () => Date.now();
  const ids = createSnowflakes(now);
  const changes = new Changes();
  const world = new World(bot.id, guildSpecs, ids, now);
  world.users.get(bot.id)!.bot = true;

  let port = 0;
  const gatewayUrl = () => `ws://${FAKE_DISCORD_HOST}:${port}`;
  const joinedAt = new Date(now()).toISOString();

  const gateway = new Gateway({
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 45_000,
    ...(options.token !== undefined ? { token: options.token } : {}),
    privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
    changes,
    resumeUrl: gatewayUrl,
    readyBase: () => ({
      user: { ...userPayload(world.user(bot.id)), verified: true, mfa_enabled: false, email: null, flags: 0 },
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['us-east'],
      user_settings: {},
      _trace: ['["normguard-fake-gateway",{"micros":0}]'],
    }),
    guildIds: () => [...world.guilds.keys()],
    guildCreate: (id) => guildCreatePayload(world, world.guilds.get(id)!, joinedAt),
    membersChunk: (request, intents) => {
      const guild = typeof request.guild_id === 'string' ? world.guilds.get(request.guild_id) : undefined;
      if (!guild || !(intents & Intent.GuildMembers)) return undefined;
      const wanted = Array.isArray(request.user_ids) ? (request.user_ids as string[]) : undefined;
      const query = typeof request.query === 'string' ? request.query.toLowerCase() : '';
      const limit = typeof request.limit === 'number' && request.limit > 0 ? request.limit : Infinity;
      const members = [...guild.members.values()]
        .filter((m) => (wanted ? wanted.includes(m.userId) : world.user(m.userId).username.toLowerCase().startsWith(query)))
        .slice(0, limit);
      return {
        guild_id: guild.id,
        members: members.map((m) => memberPayload(world, m)),
        chunk_index: 0,
        chunk_count: 1,
        not_found: wanted ? wanted.filter((id) => !guild.members.has(id)) : [],
        ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      };
    },
  });

  const ctx: FakeContext = {
    applicationId,
    botId: bot.id,
    world,
    messages: new MessageStore(world),
    interactions: new InteractionStore(),
    commands: new CommandStore(applicationId, ids),
    gateway,
    changes,
    ids,
    now,
    interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
    timeouts: [],
  };

  const router = new Router([...coreRoutes(ctx, gatewayUrl), ...channelRoutes(ctx), ...interactionRoutes(ctx), ...guildRoutes(ctx)]);
  const rest = new RestServer(router, changes, options.token);
  const injector = new Injector(ctx);
  const replies = new Replies(ctx, () => describeCalls(rest.calls));

  const oauth = createDiscordOAuth(world, applicationId, options.clientSecret);
  const server = createServer((req, res) => void oauth.handle(req, res).then((handled) => (handled ? undefined : rest.handle(req, res))));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => gateway.accept(ws));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, FAKE_DISCORD_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const restTo = (method: string, path: string | RegExp) => rest.calls.filter((c) => c.method === method.toUpperCase() && pathMatches(path, c.path));
  let closed: Promise<void> | undefined;

  return {
    apiUrl: `http://${FAKE_DISCORD_HOST}:${port}/api`,
    gatewayUrl: gatewayUrl(),
    port,
    applicationId,
    botId: bot.id,

    rest: rest.calls,
    restTo,
    oauth: oauth.state,
    waitForRest: (method, path, opts = {}) => {
      const count = opts.count ?? 1;
      const timeoutMs = opts.timeoutMs ?? 10_000;
      return changes.until(
        () => {
          const found = restTo(method, path);
          return found.length >= count ? found : undefined;
        },
        timeoutMs,
        () => new Error(`fake Discord: expected ${count} × ${method.toUpperCase()} ${String(path)} within ${timeoutMs} ms, saw ${restTo(method, path).length}.\nRecent REST calls:\n${describeCalls(rest.calls)}`),
      );
    },
    failRest: (method, path, fault) => rest.armFault(method, path, fault),

    channelMessages: (channelId) => ctx.messages.visible(channelId).map((m) => ctx.messages.render(m)),
    message: (channelId, messageId) => {
      const stored = ctx.messages.find(channelId, messageId);
      return stored ? ctx.messages.render(stored) : undefined;
    },
    deletedMessages: (channelId) => ctx.messages.deleted(channelId).map((m) => ctx.messages.render(m)),
    threads: () =>
      [...world.channels.values()]
        .filter((c) => c.thread)
        .map((c) => ({
          id: c.id,
          parentId: c.parentId!,
          name: c.name ?? '',
          type: c.type,
          ...(c.thread!.starterMessageId ? { messageId: c.thread!.starterMessageId } : {}),
          archived: c.thread!.archived,
          locked: c.thread!.locked,
          memberIds: [...c.thread!.memberIds],
        })),
    dms: (userId) => {
      const channelId = world.dmChannelIdOf(userId);
      return channelId ? ctx.messages.visible(channelId).filter((m) => m.wire.author.id === bot.id).map((m) => ctx.messages.render(m)) : [];
    },
    dmChannel: (userId) => world.dmChannelFor(userId).id,
    commands: (scope) => ctx.commands.list(scope?.guildId),
    memberTimeouts: () => ctx.timeouts.map((t) => ({ ...t })),

    interaction: (id) => replies.view(id),
    waitForInteractionReply: (id, opts) => replies.waitForReply(id, opts),

    postMessage: (p) => injector.postMessage(p),
    slashCommand: (p) => injector.slashCommand(p),
    contextMenu: (p) => injector.contextMenu(p),
    clickButton: (p) => injector.clickButton(p),
    submitModal: (p) => injector.submitModal(p),

    identifyCount: () => gateway.identifyCount(),
    resumeCount: () => gateway.resumeCount(),
    connectedCount: () => gateway.connectedCount(),
    disconnect: (code = 4000) => gateway.disconnect(code),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        gateway.terminateAll();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
