// Interaction responses: the callback (once, within the deadline, like Discord) and the
// interaction webhook for @original edits and follow-ups. `@original` names the reply for types
// 4/5 and the component's own message for types 6/7, which is where an edit after a deferred
// update lands on Discord.

import type { FakeContext } from './context.js';
import { isoNow } from './context.js';
import { messageCreated, messageDeleted, messageUpdated } from './events.js';
import { Errors, RestError } from './http.js';
import { CallbackType, InteractionType, type InteractionRec } from './interactions.js';
import { applyEdit, fieldsFromCreate, MessageFlag, type UploadedFile } from './message-body.js';
import type { StoredMessage } from './messages.js';
import { userPayload } from './payloads.js';
import { storeMessage } from './posting.js';
import { noContent, ok, type RestRequest, type Route } from './router.js';
import { validateMessageCreate, validateMessageEdit, validateModal } from './validate.js';

function invalidType(message: string): RestError {
  return Errors.invalidForm({ type: { _errors: [{ code: 'INTERACTION_CALLBACK_TYPE_INVALID', message }] } });
}

export function interactionRoutes(ctx: FakeContext): Route[] {
  const { messages, world } = ctx;

  function interaction(id: string, token: string): InteractionRec {
    const rec = ctx.interactions.get(id);
    if (!rec || rec.token !== token) throw Errors.unknownInteraction();
    return rec;
  }

  function webhookInteraction(appId: string, token: string): InteractionRec {
    const rec = appId === ctx.applicationId ? ctx.interactions.byWebhookToken(token) : undefined;
    if (!rec) throw Errors.unknownWebhook();
    return rec;
  }

  function touch(rec: InteractionRec): void {
    rec.lastChangeAt = ctx.now();
  }

  /** Slash replies are type 20, context-menu replies 23; replies to components and modals are plain. */
  function replyType(rec: InteractionRec): number {
    if (rec.type !== InteractionType.ApplicationCommand) return 0;
    return rec.commandType === 1 ? 20 : 23;
  }

  function metadata(rec: InteractionRec): Record<string, unknown> {
    const payload = rec.payload as { data?: { name?: string }; authorizing_integration_owners?: unknown };
    return {
      id: rec.id,
      type: rec.type,
      user: userPayload(world.user(rec.userId)),
      authorizing_integration_owners: payload.authorizing_integration_owners ?? {},
      ...(rec.type === InteractionType.ApplicationCommand ? { name: payload.data?.name, command_type: rec.commandType } : {}),
      ...(rec.messageId ? { interacted_message_id: rec.messageId } : {}),
    };
  }

  /** A message sent through the interaction (reply or follow-up); only non-ephemeral ones reach the channel. */
  async function respond(rec: InteractionRec, data: Record<string, any>, files: UploadedFile[], loading: boolean, followup: boolean): Promise<StoredMessage> {
    const guildId = world.guildIdOf(rec.channelId);
    const fields = loading
      ? { content: '', flags: ((data.flags ?? 0) & MessageFlag.Ephemeral) | MessageFlag.Loading }
      : fieldsFromCreate({ world, ids: ctx.ids, channelId: rec.channelId, guildId, files }, data);
    const ephemeral = ((fields.flags ?? 0) & MessageFlag.Ephemeral) !== 0;
    const stored = storeMessage(ctx, {
      channelId: rec.channelId,
      authorId: ctx.botId,
      ephemeral,
      fields: {
        ...fields,
        type: followup ? 0 : replyType(rec),
        webhook_id: ctx.applicationId,
        application_id: ctx.applicationId,
        interaction_metadata: metadata(rec),
      },
    });
    await messageCreated(ctx, stored);
    return stored;
  }

  async function callback(req: RestRequest) {
    const rec = interaction(req.params.interaction!, req.params.token!);
    if (rec.callbacks.length > 0) throw Errors.alreadyAcknowledged();
    if (ctx.interactionDeadlineMs > 0 && ctx.now() - rec.createdAt > ctx.interactionDeadlineMs) throw Errors.unknownInteraction();
    const type = req.body?.type;
    const data = (req.body?.data ?? {}) as Record<string, any>;
    const onMessage = rec.type === InteractionType.MessageComponent || (rec.type === InteractionType.ModalSubmit && rec.messageId !== undefined);
    let resource: StoredMessage | undefined;
    switch (type) {
      case CallbackType.Pong:
        if (rec.type !== InteractionType.Ping) throw invalidType('PONG only answers a PING');
        break;
      case CallbackType.ChannelMessage:
        validateMessageCreate(data, req.files.length);
        resource = await respond(rec, data, req.files, false, false);
        rec.originalId = resource.wire.id;
        break;
      case CallbackType.DeferredChannelMessage:
        resource = await respond(rec, data, [], true, false);
        rec.originalId = resource.wire.id;
        break;
      case CallbackType.DeferredUpdateMessage:
      case CallbackType.UpdateMessage: {
        if (!onMessage) throw invalidType('This callback type is only valid for component interactions');
        rec.originalId = rec.messageId;
        const target = rec.messageId ? messages.get(rec.messageId) : undefined;
        if (type === CallbackType.UpdateMessage && target && !target.deleted) {
          validateMessageEdit(data, (target.wire.flags & MessageFlag.IsComponentsV2) !== 0);
          applyEdit({ world, ids: ctx.ids, channelId: target.channelId, guildId: world.guildIdOf(target.channelId), files: req.files }, target.wire, data, isoNow(ctx));
          await messageUpdated(ctx, target);
        }
        resource = target;
        break;
      }
      case CallbackType.AutocompleteResult:
        if (rec.type !== InteractionType.Autocomplete) throw invalidType('Autocomplete results only answer autocomplete');
        break;
      case CallbackType.Modal:
        if (rec.type === InteractionType.ModalSubmit) throw invalidType('A modal submit cannot be answered with another modal');
        validateModal(data);
        break;
      case CallbackType.LaunchActivity:
        break;
      default:
        throw invalidType(`Unknown interaction callback type ${String(type)}`);
    }
    rec.callbacks.push({ type, data: structuredClone(req.body?.data ?? null), at: ctx.now() });
    touch(rec);
    if (req.query.with_response !== 'true') return noContent();
    return ok({
      interaction: {
        id: rec.id,
        type: rec.type,
        response_message_id: resource?.wire.id,
        response_message_loading: type === CallbackType.DeferredChannelMessage,
        response_message_ephemeral: resource ? (resource.wire.flags & MessageFlag.Ephemeral) !== 0 : false,
      },
      resource: { type, ...(resource ? { message: messages.render(resource) } : {}) },
    });
  }

  /** The message a webhook path names: `@original` or one of this interaction's follow-ups. */
  function webhookMessage(rec: InteractionRec, id: string): StoredMessage {
    const target = id === '@original' ? rec.originalId : id === rec.originalId || rec.followupIds.includes(id) ? id : undefined;
    const stored = target ? messages.get(target) : undefined;
    if (!stored || stored.deleted) throw Errors.unknownMessage();
    return stored;
  }

  async function followup(req: RestRequest) {
    const rec = webhookInteraction(req.params.app!, req.params.token!);
    if (rec.callbacks.length === 0) throw Errors.unknownWebhook();
    validateMessageCreate(req.body, req.files.length);
    const stored = await respond(rec, req.body ?? {}, req.files, false, true);
    rec.followupIds.push(stored.wire.id);
    touch(rec);
    return req.query.wait === 'false' ? noContent() : ok(messages.render(stored));
  }

  async function editWebhookMessage(req: RestRequest) {
    const rec = webhookInteraction(req.params.app!, req.params.token!);
    const stored = webhookMessage(rec, req.params.message!);
    validateMessageEdit(req.body, (stored.wire.flags & MessageFlag.IsComponentsV2) !== 0);
    applyEdit({ world, ids: ctx.ids, channelId: stored.channelId, guildId: world.guildIdOf(stored.channelId), files: req.files }, stored.wire, req.body ?? {}, isoNow(ctx));
    if (stored.wire.id === rec.originalId) rec.originalEdits += 1;
    touch(rec);
    await messageUpdated(ctx, stored);
    return ok(messages.render(stored));
  }

  async function deleteWebhookMessage(req: RestRequest) {
    const rec = webhookInteraction(req.params.app!, req.params.token!);
    const stored = webhookMessage(rec, req.params.message!);
    messages.markDeleted(stored.wire.id);
    touch(rec);
    await messageDeleted(ctx, stored);
    return noContent();
  }

  return [
    { method: 'POST', pattern: '/interactions/:interaction/:token/callback', handler: callback, public: true },
    { method: 'POST', pattern: '/webhooks/:app/:token', handler: followup, public: true },
    { method: 'GET', pattern: '/webhooks/:app/:token/messages/:message', handler: (req) => ok(messages.render(webhookMessage(webhookInteraction(req.params.app!, req.params.token!), req.params.message!))), public: true },
    { method: 'PATCH', pattern: '/webhooks/:app/:token/messages/:message', handler: editWebhookMessage, public: true },
    { method: 'DELETE', pattern: '/webhooks/:app/:token/messages/:message', handler: deleteWebhookMessage, public: true },
  ];
}
