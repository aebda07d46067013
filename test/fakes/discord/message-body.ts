// Turning a create/edit body (what discord.js sends) into the stored message fields, the way
// Discord does: only fields present in an edit change, embeds come back typed 'rich', uploaded
// files become attachments, and mentions follow `allowed_mentions`.

import type { Snowflakes } from './snowflake.js';
import type { FakeMessage, WireUser } from './types.js';
import { userPayload } from './payloads.js';
import type { World } from './world.js';

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const;

/** Flags a bot may set when sending; Discord drops the rest silently. */
const SETTABLE_ON_CREATE = MessageFlag.SuppressEmbeds | MessageFlag.Ephemeral | MessageFlag.SuppressNotifications | MessageFlag.IsComponentsV2;
/** On edit only embed suppression can be toggled (and V2 switched on); everything else is kept. */
const TOGGLEABLE_ON_EDIT = MessageFlag.SuppressEmbeds | MessageFlag.IsComponentsV2;

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface BodyContext {
  world: World;
  ids: Snowflakes;
  channelId: string;
  guildId?: string;
  files: UploadedFile[];
}

// Bodies are free-form JSON from the client under test.
type Body = Record<string, any>;

function normaliseEmbed(embed: unknown): unknown {
  if (embed === null || typeof embed !== 'object') return embed;
  return { type: 'rich', ...(embed as Body) };
}

function attachmentFrom(ctx: BodyContext, file: UploadedFile, description?: string): Body {
  const id = ctx.ids();
  const url = `https://cdn.discordapp.com/attachments/${ctx.channelId}/${id}/${encodeURIComponent(file.filename)}`;
  return {
    id,
    filename: file.filename,
    size: file.size,
    url,
    proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
    content_type: file.contentType,
    ...(description ? { description } : {}),
  };
}

/**
 * discord.js lists uploads as `attachments: [{id: <index>, filename}]` with the bytes in part
 * `files[<index>]`; existing attachments appear with their snowflake id to be kept on edit.
 */
function resolveAttachments(ctx: BodyContext, body: Body, existing: Body[]): Body[] {
  const listed: Body[] | undefined = Array.isArray(body.attachments) ? body.attachments : undefined;
  const byField = new Map(ctx.files.map((f) => [f.field, f]));
  if (!listed) {
    return [...existing, ...ctx.files.map((f) => attachmentFrom(ctx, f))];
  }
  const out: Body[] = [];
  for (const item of listed) {
    const id = String(item?.id ?? '');
    const upload = byField.get(`files[${id}]`);
    if (upload) {
      out.push(attachmentFrom(ctx, item.filename ? { ...upload, filename: String(item.filename) } : upload, item.description));
      byField.delete(`files[${id}]`);
      continue;
    }
    const kept = existing.find((a) => a.id === id);
    if (kept) out.push(kept);
  }
  // Files sent without an attachments entry are still uploaded, as Discord does.
  for (const f of byField.values()) out.push(attachmentFrom(ctx, f));
  return out;
}

interface Mentions {
  mentions: WireUser[];
  mention_roles: string[];
  mention_everyone: boolean;
}

/** Which pings a message really makes: what the content names, filtered by `allowed_mentions`. */
export function resolveMentions(world: World, content: string, allowed: Body | undefined, guildId: string | undefined): Mentions {
  const userIds = [...content.matchAll(/<@!?(\d{5,20})>/g)].map((m) => m[1]!);
  let roleIds = [...content.matchAll(/<@&(\d{5,20})>/g)].map((m) => m[1]!);
  let everyone = /@(everyone|here)\b/.test(content);
  let users = userIds;
  if (allowed && typeof allowed === 'object') {
    const parse: string[] = Array.isArray(allowed.parse) ? allowed.parse : [];
    const allowedUsers: string[] = Array.isArray(allowed.users) ? allowed.users : [];
    const allowedRoles: string[] = Array.isArray(allowed.roles) ? allowed.roles : [];
    users = users.filter((id) => parse.includes('users') || allowedUsers.includes(id));
    roleIds = roleIds.filter((id) => parse.includes('roles') || allowedRoles.includes(id));
    everyone = everyone && parse.includes('everyone');
  }
  const guild = guildId ? world.guilds.get(guildId) : undefined;
  return {
    mentions: [...new Set(users)].filter((id) => world.users.has(id)).map((id) => userPayload(world.user(id))),
    mention_roles: [...new Set(roleIds)].filter((id) => guild?.roles.has(id) ?? false),
    mention_everyone: everyone,
  };
}

/** Fields of a new message from a create body. */
export function fieldsFromCreate(ctx: BodyContext, body: Body): Partial<FakeMessage> {
  const content = typeof body.content === 'string' ? body.content : '';
  return {
    content,
    embeds: Array.isArray(body.embeds) ? body.embeds.map(normaliseEmbed) : [],
    components: Array.isArray(body.components) ? structuredClone(body.components) : [],
    attachments: resolveAttachments(ctx, body, []),
    flags: (typeof body.flags === 'number' ? body.flags : 0) & SETTABLE_ON_CREATE,
    tts: body.tts === true,
    ...resolveMentions(ctx.world, content, body.allowed_mentions, ctx.guildId),
    ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
  };
}

/** Applies an edit body in place; absent fields stay, `null` clears, as Discord's PATCH does. */
export function applyEdit(ctx: BodyContext, msg: FakeMessage, body: Body, at: string): void {
  if ('content' in body) msg.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) msg.embeds = Array.isArray(body.embeds) ? body.embeds.map(normaliseEmbed) : [];
  if ('components' in body) msg.components = Array.isArray(body.components) ? structuredClone(body.components) : [];
  if ('attachments' in body || ctx.files.length > 0) msg.attachments = resolveAttachments(ctx, body, msg.attachments);
  if (typeof body.flags === 'number') {
    msg.flags = (msg.flags & ~TOGGLEABLE_ON_EDIT) | (body.flags & TOGGLEABLE_ON_EDIT) | (msg.flags & MessageFlag.IsComponentsV2);
  }
  if ('content' in body || 'allowed_mentions' in body) Object.assign(msg, resolveMentions(ctx.world, msg.content, body.allowed_mentions, ctx.guildId));
  // Filling in a deferred ("thinking…") reply is its first content, not an edit.
  if (msg.flags & MessageFlag.Loading) msg.flags &= ~MessageFlag.Loading;
  else msg.edited_timestamp = at;
}
