import type { WorkspaceSettings } from '../policy/settings.js';
import type { IncomingMessage } from './message.js';

export type SkipReason =
  | 'bot'
  | 'webhook'
  | 'channel-off'
  | 'exempt-channel'
  | 'exempt-user'
  | 'exempt-role'
  | 'empty'
  | 'too-short'
  | 'link-only'
  | 'emoji-only'
  | 'attachment-only'
  | 'bot-command';

/** Fewer letters than this carry too little for the model to judge (and cost a GPU call). */
export const MIN_LETTERS = 12;

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/gi;
const MENTION_RE = /<[@#][!&]?[\w.-]+(?:\|[^>]*)?>|<!(?:here|channel|everyone)>|@(?:here|everyone)/g;
const CUSTOM_EMOJI_RE = /<a?:\w+:\d+>|:[a-z0-9_+-]+:/gi;
const EMOJI_RE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200D\uFE0F\u20E3]/gu;
// `!ban`, `/roll 2d6`, `?help`, `.play`, `$price`: commands for other bots, not speech.
const BOT_COMMAND_RE = /^[!/?.$%>;][a-z][\w-]*(?:\s|$)/i;

/**
 * The cheap screen in front of the model (DESIGN.md §5): who and what is never worth a GPU call.
 * Pure; returns the first reason to skip, or null to audit.
 */
export function prefilter(msg: IncomingMessage, settings: WorkspaceSettings): SkipReason | null {
  if (msg.author.isWebhook) return 'webhook';
  if (msg.author.isBot) return 'bot';
  const mode = settings.channels[msg.channelId]?.mode ?? 'off';
  if (mode === 'off') return 'channel-off';
  if (settings.exemptChannelIds.includes(msg.channelId)) return 'exempt-channel';
  if (settings.exemptUserIds.includes(msg.author.id)) return 'exempt-user';
  if (msg.author.roleIds.some((r) => settings.exemptRoleIds.includes(r))) return 'exempt-role';
  const text = msg.text.trim();
  if (text.length === 0) return msg.attachments > 0 ? 'attachment-only' : 'empty';
  if (BOT_COMMAND_RE.test(text)) return 'bot-command';
  const withoutLinks = text.replace(URL_RE, ' ').replace(MENTION_RE, ' ');
  if (withoutLinks.trim().length === 0) return 'link-only';
  const withoutEmoji = withoutLinks.replace(CUSTOM_EMOJI_RE, ' ').replace(EMOJI_RE, ' ');
  if (withoutEmoji.trim().length === 0) return 'emoji-only';
  const letters = withoutEmoji.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LETTERS) return 'too-short';
  return null;
}
