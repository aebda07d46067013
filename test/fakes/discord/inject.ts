// What a person does in the Discord app, turned into gateway events: posting a message, running
// a slash or context-menu command, clicking a button, submitting a modal. Each builds the exact
// INTERACTION_CREATE envelope discord.js needs (entitlements, authorizing_integration_owners,
// application_id, the cached channel object, the member with permissions) and refuses what a
// person could not do — clicking a button that is not there, submitting a modal never shown —
// by rejecting (the methods are async so misuse is a rejection, never a synchronous throw).

import { randomBytes } from 'node:crypto';
import type { FakeContext } from './context.js';
import { interactionCreated, messageCreated } from './events.js';
import { InteractionType, type InteractionRec } from './interactions.js';
import { resolveMentions } from './message-body.js';
import { channelPayload, memberPayload, partialMemberPayload, rolePayload, userPayload } from './payloads.js';
import { P, toBits } from './permissions.js';
import { storeMessage } from './posting.js';
import type {
  ButtonInjection,
  ContextMenuInjection,
  FakeMessage,
  InjectedInteraction,
  MessageInjection,
  ModalInjection,
  OptionInput,
  PermissionsInput,
  SlashCommandInjection,
} from './types.js';
import { isTextBased, type ChannelRec } from './world.js';

// Interaction payloads are free-form JSON built for the client under test.
type Json = Record<string, any>;

/** What Discord grants an app inside a DM, where there are no roles to compute from. */
const DM_APP_PERMISSIONS = P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.AddReactions | P.UseExternalEmojis;

const OptionType = { SubCommand: 1, SubCommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10 } as const;

export class Injector {
  constructor(private readonly ctx: FakeContext) {}

  private channel(id: string): ChannelRec {
    const c = this.ctx.world.channels.get(id);
    if (!c) throw new Error(`fake Discord: no channel ${id}; known: ${[...this.ctx.world.channels.keys()].join(', ')}`);
    if (!isTextBased(c.type)) throw new Error(`fake Discord: channel ${id} is not text-based`);
    return c;
  }

  async postMessage(p: MessageInjection): Promise<FakeMessage> {
    const { world, messages } = this.ctx;
    const c = this.channel(p.channelId);
    const guildId = c.guildId;
    const mentions = resolveMentions(world, p.content, undefined, guildId);
    const fields: Partial<FakeMessage> = { content: p.content, ...mentions, type: p.type ?? 0 };
    if (p.webhookId) {
      // Webhook posts have a synthetic author named after the webhook and no member.
      fields.webhook_id = p.webhookId;
      fields.author = { id: p.webhookId, username: 'Captain Hook', global_name: null, discriminator: '0000', avatar: null, bot: true, public_flags: 0 };
    } else if (p.bot) {
      fields.author = { ...userPayload(world.user(p.authorId)), bot: true };
    }
    if (p.replyTo) {
      const target = messages.find(c.id, p.replyTo);
      if (!target) throw new Error(`fake Discord: cannot reply to ${p.replyTo}: no such message in ${c.id}`);
      fields.type = p.type ?? 19;
      fields.message_reference = { type: 0, message_id: target.wire.id, channel_id: c.id, ...(guildId ? { guild_id: guildId } : {}) };
      if (!mentions.mentions.some((u) => u.id === target.wire.author.id)) fields.mentions = [...mentions.mentions, userPayload(world.user(target.wire.author.id))];
    }
    if (p.attachments) {
      fields.attachments = Array.from({ length: p.attachments }, (_, i) => {
        const id = this.ctx.ids();
        const url = `https://cdn.discordapp.com/attachments/${c.id}/${id}/image-${i + 1}.png`;
        return { id, filename: `image-${i + 1}.png`, size: 1024, url, proxy_url: url, content_type: 'image/png', width: 64, height: 64 };
      });
    }
    if (p.id !== undefined && messages.get(p.id)) throw new Error(`fake Discord: message id ${p.id} is already used`);
    const stored = storeMessage(this.ctx, { channelId: c.id, authorId: p.authorId, fields, ...(p.id !== undefined ? { id: p.id } : {}) });
    await messageCreated(this.ctx, stored);
    return messages.render(stored);
  }

  /** The common envelope; the member's permissions default to what their roles give in that channel. */
  private async send(p: { type: number; channelId: string; userId: string; permissions?: PermissionsInput; data: Json; messageId?: string; commandType?: number }): Promise<InjectedInteraction> {
    const { world, ids, applicationId, botId } = this.ctx;
    const c = this.channel(p.channelId);
    const guildId = c.guildId;
    const id = ids();
    const token = Buffer.from(`interaction:${id}:${randomBytes(24).toString('hex')}`).toString('base64url');
    const user = userPayload(world.user(p.userId));
    const payload: Json = {
      id,
      application_id: applicationId,
      type: p.type,
      data: p.data,
      channel: channelPayload(world, c),
      channel_id: c.id,
      token,
      version: 1,
      locale: 'en-US',
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (guildId) {
      const member = world.member(guildId, p.userId);
      if (!member) throw new Error(`fake Discord: user ${p.userId} is not a member of guild ${guildId}`);
      const permissions = p.permissions !== undefined ? toBits(p.permissions) : world.permissionsIn(c.id, p.userId);
      Object.assign(payload, {
        guild_id: guildId,
        guild: { id: guildId, locale: 'en-US', features: [] },
        guild_locale: 'en-US',
        member: { ...memberPayload(world, member), permissions: permissions.toString() },
        app_permissions: world.permissionsIn(c.id, botId).toString(),
        authorizing_integration_owners: { '0': guildId },
        context: 0,
      });
    } else {
      Object.assign(payload, {
        user,
        app_permissions: DM_APP_PERMISSIONS.toString(),
        authorizing_integration_owners: { '0': '0' },
        context: 1,
      });
    }
    if (p.messageId) {
      const stored = this.ctx.messages.get(p.messageId);
      if (stored && !stored.deleted) payload.message = this.ctx.messages.render(stored);
    }
    const now = this.ctx.now();
    const rec: InteractionRec = {
      id,
      token,
      type: p.type,
      ...(p.commandType !== undefined ? { commandType: p.commandType } : {}),
      channelId: c.id,
      ...(guildId ? { guildId } : {}),
      userId: p.userId,
      createdAt: now,
      ...(p.messageId ? { messageId: p.messageId } : {}),
      payload,
      callbacks: [],
      originalEdits: 0,
      followupIds: [],
      lastChangeAt: now,
    };
    this.ctx.interactions.add(rec);
    await interactionCreated(this.ctx, payload, guildId);
    this.ctx.changes.notify();
    return { id, token, payload };
  }

  private commandId(name: string, type: number, guildId: string | undefined): { id: string; guildId?: string } {
    const registered = this.ctx.commands.find(name, type, guildId);
    if (registered) return { id: registered.id, ...(registered.guild_id ? { guildId: registered.guild_id } : {}) };
    return { id: this.ctx.commands.unregisteredId(name, type) };
  }

  /** Typed options plus the `resolved` map Discord adds for user, channel and role options. */
  private options(guildId: string | undefined, input: Record<string, OptionInput>, resolved: Json): Json[] {
    const { world } = this.ctx;
    return Object.entries(input).map(([name, raw]) => {
      let type: number;
      let value: string | number | boolean;
      if (typeof raw === 'object') ({ type, value } = raw);
      else if (typeof raw === 'string') [type, value] = [OptionType.String, raw];
      else if (typeof raw === 'boolean') [type, value] = [OptionType.Boolean, raw];
      else [type, value] = [Number.isInteger(raw) ? OptionType.Integer : OptionType.Number, raw];
      const id = String(value);
      const guild = guildId ? world.guilds.get(guildId) : undefined;
      if (type === OptionType.User || type === OptionType.Mentionable) {
        if (world.users.has(id)) {
          (resolved.users ??= {})[id] = userPayload(world.user(id));
          const member = guildId ? world.member(guildId, id) : undefined;
          if (member) (resolved.members ??= {})[id] = { ...partialMemberPayload(member), permissions: world.guildPermissions(guildId!, id).toString() };
        }
      }
      if (type === OptionType.Role || type === OptionType.Mentionable) {
        const role = guild?.roles.get(id);
        if (role) (resolved.roles ??= {})[id] = rolePayload(role);
      }
      if (type === OptionType.Channel) {
        const ch = world.channels.get(id);
        if (!ch) throw new Error(`fake Discord: option ${name} names unknown channel ${id}`);
        (resolved.channels ??= {})[id] = { ...channelPayload(world, ch), permissions: world.permissionsIn(id, this.ctx.botId).toString() };
      }
      return { name, type, value };
    });
  }

  async slashCommand(p: SlashCommandInjection): Promise<InjectedInteraction> {
    const c = this.channel(p.channelId);
    const guildId = p.guildId ?? c.guildId;
    const name = p.commandName ?? 'ethics';
    const resolved: Json = {};
    const typed = this.options(guildId, p.options ?? {}, resolved);
    let options: Json[] = typed;
    if (p.subcommand !== '') options = [{ name: p.subcommand, type: OptionType.SubCommand, options: typed }];
    if (p.subcommandGroup) options = [{ name: p.subcommandGroup, type: OptionType.SubCommandGroup, options }];
    const command = this.commandId(name, 1, guildId);
    const data: Json = { id: command.id, name, type: 1, options, ...(Object.keys(resolved).length ? { resolved } : {}), ...(command.guildId ? { guild_id: command.guildId } : {}) };
    return this.send({ type: InteractionType.ApplicationCommand, commandType: 1, channelId: c.id, userId: p.userId, data, ...(p.permissions !== undefined ? { permissions: p.permissions } : {}) });
  }

  async contextMenu(p: ContextMenuInjection): Promise<InjectedInteraction> {
    const c = this.channel(p.channelId);
    const target = this.ctx.messages.find(c.id, p.targetMessageId);
    if (!target || target.ephemeral) throw new Error(`fake Discord: no message ${p.targetMessageId} in channel ${c.id} to run "${p.name}" on`);
    const command = this.commandId(p.name, 3, c.guildId);
    // Interactions always carry the full content, whatever the bot's intents.
    const data: Json = {
      id: command.id,
      name: p.name,
      type: 3,
      target_id: target.wire.id,
      resolved: { messages: { [target.wire.id]: this.ctx.messages.render(target) } },
      ...(command.guildId ? { guild_id: command.guildId } : {}),
    };
    return this.send({ type: InteractionType.ApplicationCommand, commandType: 3, channelId: c.id, userId: p.userId, data, ...(p.permissions !== undefined ? { permissions: p.permissions } : {}) });
  }

  async clickButton(p: ButtonInjection): Promise<InjectedInteraction> {
    const c = this.channel(p.channelId);
    const stored = this.ctx.messages.find(c.id, p.messageId);
    if (!stored) throw new Error(`fake Discord: no message ${p.messageId} in channel ${c.id} to click on`);
    const componentType = p.componentType ?? 2;
    if (!p.force) {
      const found = findComponent(stored.wire.components, p.customId);
      if (!found) throw new Error(`fake Discord: message ${p.messageId} shows no component "${p.customId}"; it has: ${listCustomIds(stored.wire.components).join(', ') || 'none'}`);
      if (found.disabled === true) throw new Error(`fake Discord: component "${p.customId}" on message ${p.messageId} is disabled`);
    }
    const data: Json = { custom_id: p.customId, component_type: componentType, ...(componentType !== 2 ? { values: p.values ?? [] } : {}) };
    return this.send({ type: InteractionType.MessageComponent, channelId: c.id, userId: p.userId, data, messageId: stored.wire.id, ...(p.permissions !== undefined ? { permissions: p.permissions } : {}) });
  }

  async submitModal(p: ModalInjection): Promise<InjectedInteraction> {
    const c = this.channel(p.channelId);
    const shown = this.ctx.interactions
      .all()
      .filter((rec) => rec.callbacks.some((cb) => cb.type === 9 && (cb.data as Json | null)?.custom_id === p.customId))
      .at(-1);
    if (!shown && !p.force) {
      const known = this.ctx.interactions.shownModals().map((m) => m.customId);
      throw new Error(`fake Discord: the bot never showed a modal "${p.customId}"; shown: ${known.join(', ') || 'none'}`);
    }
    const modal = shown?.callbacks.find((cb) => cb.type === 9 && (cb.data as Json | null)?.custom_id === p.customId)?.data as Json | undefined;
    const components = modal && !p.force ? mirrorModal(modal, p.fields) : plainModal(p.fields);
    const messageId = p.messageId ?? shown?.messageId;
    const data: Json = { custom_id: p.customId, components };
    return this.send({ type: InteractionType.ModalSubmit, channelId: c.id, userId: p.userId, data, ...(messageId ? { messageId } : {}), ...(p.permissions !== undefined ? { permissions: p.permissions } : {}) });
  }
}

/** Walks rows and Components V2 containers/sections for an interactive component. */
function findComponent(components: Json[] | undefined, customId: string): Json | undefined {
  for (const c of components ?? []) {
    if (c?.custom_id === customId) return c;
    const nested = findComponent([...(c?.components ?? []), ...(c?.accessory ? [c.accessory] : [])], customId);
    if (nested) return nested;
  }
  return undefined;
}

function listCustomIds(components: Json[] | undefined): string[] {
  const out: string[] = [];
  for (const c of components ?? []) {
    if (typeof c?.custom_id === 'string') out.push(c.custom_id);
    out.push(...listCustomIds([...(c?.components ?? []), ...(c?.accessory ? [c.accessory] : [])]));
  }
  return out;
}

/**
 * The submission mirrors the modal the bot showed (classic rows, or Label components), checks
 * what the app would check (required fields, lengths) and rejects fields the modal lacks.
 */
function mirrorModal(modal: Json, fields: Record<string, string | string[]>): Json[] {
  const used = new Set<string>();
  const input = (c: Json): Json => {
    const id = String(c.custom_id);
    used.add(id);
    const value = fields[id];
    if (c.type === 4) {
      const text = typeof value === 'string' ? value : '';
      if (c.required !== false && text === '') throw new Error(`fake Discord: modal field "${id}" is required`);
      if (text !== '' && ((c.min_length !== undefined && text.length < c.min_length) || (c.max_length !== undefined && text.length > c.max_length))) {
        throw new Error(`fake Discord: modal field "${id}" must be ${c.min_length ?? 0}..${c.max_length ?? 4000} characters`);
      }
      return { type: 4, custom_id: id, value: text };
    }
    return { type: c.type, custom_id: id, values: Array.isArray(value) ? value : value === undefined ? [] : [value] };
  };
  const out = (Array.isArray(modal.components) ? modal.components : []).map((row: Json) => {
    if (row?.type === 1) return { type: 1, components: (row.components ?? []).map(input) };
    if (row?.type === 18 && row.component) return { type: 18, ...(row.id !== undefined ? { id: row.id } : {}), component: input(row.component) };
    return { type: row?.type, ...(row?.id !== undefined ? { id: row.id } : {}) };
  });
  const unknown = Object.keys(fields).filter((k) => !used.has(k));
  if (unknown.length) throw new Error(`fake Discord: the modal has no field(s) ${unknown.join(', ')}; it has ${[...used].join(', ')}`);
  return out;
}

function plainModal(fields: Record<string, string | string[]>): Json[] {
  return Object.entries(fields).map(([id, value]) =>
    Array.isArray(value) ? { type: 18, component: { type: 3, custom_id: id, values: value } } : { type: 1, components: [{ type: 4, custom_id: id, value }] },
  );
}
