// /channels/...: sending, reading, editing and deleting messages, threads, and channel reads and
// edits. Permission checks use the bot's computed permissions, so a fixture that takes a right
// away from the bot sees the same 403 the real API would give.

import type { FakeContext } from './context.js';
import { isoNow } from './context.js';
import { channelUpdated, messageCreated, messageDeleted, messageUpdated, threadCreated } from './events.js';
import { Errors, RestError } from './http.js';
import { applyEdit, fieldsFromCreate, MessageFlag } from './message-body.js';
import type { StoredMessage } from './messages.js';
import { channelPayload, userPayload } from './payloads.js';
import { ALL_PERMISSIONS, P } from './permissions.js';
import { storeMessage } from './posting.js';
import { created, noContent, ok, type RestRequest, type Route } from './router.js';
import { validateMessageCreate, validateMessageEdit } from './validate.js';
import { ChannelType, isTextBased, type ChannelRec } from './world.js';

const ARCHIVE_DURATIONS = new Set([60, 1440, 4320, 10080]);

function formError(field: string, code: string, message: string): RestError {
  return Errors.invalidForm({ [field]: { _errors: [{ code, message }] } });
}

export function channelRoutes(ctx: FakeContext): Route[] {
  const { world, messages } = ctx;
  // DMs have no permission system: every check passes there.
  const botPerms = (c: ChannelRec) => (c.guildId ? world.permissionsIn(c.id, ctx.botId) : ALL_PERMISSIONS);

  function channel(id: string): ChannelRec {
    const c = world.channels.get(id);
    if (!c) throw Errors.unknownChannel();
    if (c.guildId && !(botPerms(c) & P.ViewChannel)) throw Errors.missingAccess();
    return c;
  }

  function textChannel(id: string): ChannelRec {
    const c = channel(id);
    if (!isTextBased(c.type)) throw new RestError(400, 50008, 'Cannot send messages in a non-text channel');
    return c;
  }

  /** Sending into an archived thread unarchives it, unless it is locked (then only ManageThreads may). */
  async function requireSend(c: ChannelRec): Promise<void> {
    if (!c.guildId) return;
    const perms = botPerms(c);
    if (!(perms & (c.thread ? P.SendMessagesInThreads : P.SendMessages))) throw Errors.missingPermissions();
    if (c.thread?.archived) {
      if (c.thread.locked && !(perms & P.ManageThreads)) throw new RestError(400, 50083, 'Thread is archived');
      c.thread.archived = false;
      await channelUpdated(ctx, c);
    }
  }

  /** Ephemeral messages exist only for their recipient: through the channel they are unknown. */
  function channelMessage(channelId: string, id: string): StoredMessage {
    const m = messages.find(channelId, id);
    if (!m || m.ephemeral) throw Errors.unknownMessage();
    return m;
  }

  async function postMessage(req: RestRequest) {
    const c = textChannel(req.params.channel!);
    await requireSend(c);
    validateMessageCreate(req.body, req.files.length);
    const body = req.body ?? {};
    const guildId = c.guildId;
    const fields = fieldsFromCreate({ world, ids: ctx.ids, channelId: c.id, guildId, files: req.files }, body);
    // Ephemeral exists only for interaction responses.
    fields.flags = (fields.flags ?? 0) & ~MessageFlag.Ephemeral;
    const ref = body.message_reference;
    if (ref && typeof ref === 'object' && (ref.type ?? 0) === 0) {
      const target = messages.find(ref.channel_id ?? c.id, String(ref.message_id));
      if (target && !target.ephemeral) {
        fields.type = 19;
        fields.message_reference = { type: 0, message_id: target.wire.id, channel_id: target.channelId, ...(guildId ? { guild_id: guildId } : {}) };
        // A reply pings its target's author unless allowed_mentions.replied_user is false.
        const pingsAuthor = body.allowed_mentions?.replied_user !== false;
        if (pingsAuthor && !fields.mentions?.some((u) => u.id === target.wire.author.id)) {
          fields.mentions = [...(fields.mentions ?? []), userPayload(world.user(target.wire.author.id))];
        }
      } else if (ref.fail_if_not_exists !== false) {
        throw formError('message_reference', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
      }
    }
    const stored = storeMessage(ctx, { channelId: c.id, authorId: ctx.botId, fields });
    await messageCreated(ctx, stored);
    return ok(messages.render(stored));
  }

  function history(req: RestRequest) {
    const c = textChannel(req.params.channel!);
    if (c.guildId && !(botPerms(c) & P.ReadMessageHistory)) return ok([]);
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw formError('limit', 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 100.');
    const { before, after, around } = req.query;
    const found = messages.history(c.id, { limit, ...(around ? { around } : before ? { before } : after ? { after } : {}) });
    return ok(found.map((m) => messages.render(m)));
  }

  async function editMessage(req: RestRequest) {
    const c = textChannel(req.params.channel!);
    const m = channelMessage(c.id, req.params.message!);
    if (m.wire.author.id !== ctx.botId) throw Errors.notAuthor();
    validateMessageEdit(req.body, (m.wire.flags & MessageFlag.IsComponentsV2) !== 0);
    applyEdit({ world, ids: ctx.ids, channelId: c.id, guildId: c.guildId, files: req.files }, m.wire, req.body ?? {}, isoNow(ctx));
    await messageUpdated(ctx, m);
    return ok(messages.render(m));
  }

  async function deleteMessage(req: RestRequest) {
    const c = textChannel(req.params.channel!);
    const m = channelMessage(c.id, req.params.message!);
    if (m.wire.author.id !== ctx.botId && !(botPerms(c) & P.ManageMessages)) throw Errors.missingPermissions();
    messages.markDeleted(m.wire.id);
    await messageDeleted(ctx, m);
    return noContent();
  }

  function threadName(body: Record<string, unknown>): string {
    const name = body.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 100) throw formError('name', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    return name;
  }

  function archiveDuration(body: Record<string, unknown>): number {
    const value = body.auto_archive_duration ?? 4320;
    if (typeof value !== 'number' || !ARCHIVE_DURATIONS.has(value)) throw formError('auto_archive_duration', 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
    return value;
  }

  function threadParent(id: string): ChannelRec {
    const c = channel(id);
    if (c.type !== ChannelType.GuildText && c.type !== ChannelType.GuildAnnouncement) throw new RestError(400, 50024, 'Cannot execute action on this channel type');
    return c;
  }

  async function threadFromMessage(req: RestRequest) {
    const parent = threadParent(req.params.channel!);
    if (!(botPerms(parent) & P.CreatePublicThreads)) throw Errors.missingPermissions();
    const starter = channelMessage(parent.id, req.params.message!);
    // A thread started on a message takes the message's id, which is how discord.js finds it.
    if (world.channels.has(starter.wire.id)) throw Errors.threadExists();
    const body = req.body ?? {};
    const thread = world.addThread({
      id: starter.wire.id,
      parentId: parent.id,
      name: threadName(body),
      type: parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread,
      autoArchiveDuration: archiveDuration(body),
      invitable: true,
      starterMessageId: starter.wire.id,
    });
    await threadCreated(ctx, thread);
    return created(channelPayload(world, thread));
  }

  async function standaloneThread(req: RestRequest) {
    const parent = threadParent(req.params.channel!);
    const body = req.body ?? {};
    // Discord's API defaults `type` to a private thread here.
    const type = body.type ?? ChannelType.PrivateThread;
    if (type !== ChannelType.PublicThread && type !== ChannelType.PrivateThread && type !== ChannelType.AnnouncementThread) {
      throw formError('type', 'BASE_TYPE_CHOICES', 'Value must be one of {10, 11, 12}.');
    }
    const need = type === ChannelType.PrivateThread ? P.CreatePrivateThreads : P.CreatePublicThreads;
    if (!(botPerms(parent) & need)) throw Errors.missingPermissions();
    const thread = world.addThread({
      id: ctx.ids(),
      parentId: parent.id,
      name: threadName(body),
      type,
      autoArchiveDuration: archiveDuration(body),
      invitable: body.invitable !== false,
    });
    await threadCreated(ctx, thread);
    return created(channelPayload(world, thread));
  }

  async function editChannel(req: RestRequest) {
    const c = channel(req.params.channel!);
    const body = req.body ?? {};
    const perms = botPerms(c);
    if (c.thread) {
      const owner = c.thread.ownerId === ctx.botId;
      if (!owner && !(perms & P.ManageThreads)) throw Errors.missingPermissions();
      if ('locked' in body && !(perms & P.ManageThreads)) throw Errors.missingPermissions();
      if (typeof body.name === 'string') c.name = threadName(body);
      if (typeof body.archived === 'boolean') {
        c.thread.archived = body.archived;
        c.thread.archiveTimestamp = isoNow(ctx);
      }
      if (typeof body.locked === 'boolean') c.thread.locked = body.locked;
      if (body.auto_archive_duration !== undefined) c.thread.autoArchiveDuration = archiveDuration(body);
      if (typeof body.invitable === 'boolean') c.thread.invitable = body.invitable;
    } else if (c.guildId) {
      if (!(perms & P.ManageChannels)) throw Errors.missingPermissions();
      if (typeof body.name === 'string') c.name = body.name;
      if ('topic' in body) c.topic = typeof body.topic === 'string' ? body.topic : null;
      if (typeof body.rate_limit_per_user === 'number') c.rateLimitPerUser = body.rate_limit_per_user;
    } else {
      throw new RestError(400, 50024, 'Cannot execute action on this channel type');
    }
    await channelUpdated(ctx, c);
    return ok(channelPayload(world, c));
  }

  function threadMember(req: RestRequest, add: boolean) {
    const c = channel(req.params.channel!);
    if (!c.thread) throw new RestError(400, 50024, 'Cannot execute action on this channel type');
    if (c.thread.archived) throw new RestError(400, 50083, 'Thread is archived');
    const userId = req.params.user === '@me' ? ctx.botId : req.params.user!;
    if (!c.guildId || !world.member(c.guildId, userId)) throw Errors.unknownMember();
    if (add) c.thread.memberIds.add(userId);
    else c.thread.memberIds.delete(userId);
    return noContent();
  }

  return [
    { method: 'POST', pattern: '/channels/:channel/messages', handler: postMessage },
    { method: 'GET', pattern: '/channels/:channel/messages', handler: history },
    { method: 'GET', pattern: '/channels/:channel/messages/:message', handler: (req) => ok(messages.render(channelMessage(textChannel(req.params.channel!).id, req.params.message!))) },
    { method: 'PATCH', pattern: '/channels/:channel/messages/:message', handler: editMessage },
    { method: 'DELETE', pattern: '/channels/:channel/messages/:message', handler: deleteMessage },
    { method: 'POST', pattern: '/channels/:channel/messages/:message/threads', handler: threadFromMessage },
    { method: 'POST', pattern: '/channels/:channel/threads', handler: standaloneThread },
    { method: 'GET', pattern: '/channels/:channel', handler: (req) => ok(channelPayload(world, channel(req.params.channel!))) },
    { method: 'PATCH', pattern: '/channels/:channel', handler: editChannel },
    { method: 'PUT', pattern: '/channels/:channel/thread-members/:user', handler: (req) => threadMember(req, true) },
    { method: 'DELETE', pattern: '/channels/:channel/thread-members/:user', handler: (req) => threadMember(req, false) },
    { method: 'POST', pattern: '/channels/:channel/typing', handler: (req) => (textChannel(req.params.channel!), noContent()) },
  ];
}
