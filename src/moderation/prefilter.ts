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
// Characters that may start a link, a mention or a custom emoji, or be (part of) an emoji.
// Text free of them needs no stripping before its letters are counted.
const MARKUP_OR_EMOJI = /[<:@/.\u00A9\u00AE\u203C-\u3299\uD83C-\uDBFF\uFE0F\u200D]/;

/**
 * The cheap screen in front of the model (DESIGN.md §5): who and what is never worth a GPU call.
 * Pure; returns the first reason to skip, or null to audit.
 */
export function prefilter(msg: IncomingMessage, settings: WorkspaceSettings): SkipReason | null {
  return authorSkipReason(msg) ?? settingsSkipReason(msg, settings) ?? textSkipReason(msg);
}

/** Bots and webhooks never speak for a member. Needs no settings. */
export function authorSkipReason(msg: IncomingMessage): SkipReason | null {
  if (msg.author.isWebhook) return 'webhook';
  if (msg.author.isBot) return 'bot';
  return null;
}

/** Channel mode and the exemptions: the part of the screen that needs the workspace's settings. */
export function settingsSkipReason(msg: IncomingMessage, settings: WorkspaceSettings): SkipReason | null {
  const mode = settings.channels[msg.channelId]?.mode ?? 'off';
  if (mode === 'off') return 'channel-off';
  if (settings.exemptChannelIds.includes(msg.channelId)) return 'exempt-channel';
  if (settings.exemptUserIds.includes(msg.author.id)) return 'exempt-user';
  if (msg.author.roleIds.some((r) => settings.exemptRoleIds.includes(r))) return 'exempt-role';
  return null;
}

/** Empty, attachment-only, another bot's command, links, emoji or too few letters. Needs no settings. */
export function textSkipReason(msg: IncomingMessage): SkipReason | null {
  const text = msg.text.trim();
  if (text.length === 0) return msg.attachments > 0 ? 'attachment-only' : 'empty';
  if (BOT_COMMAND_RE.test(text)) return 'bot-command';
  // Most speech is plain text: count its letters directly instead of stripping markup it lacks.
  if (!MARKUP_OR_EMOJI.test(text)) return countLetters(text) < MIN_LETTERS ? 'too-short' : null;
  const withoutLinks = text.replace(URL_RE, ' ').replace(MENTION_RE, ' ');
  if (withoutLinks.trim().length === 0) return 'link-only';
  const withoutEmoji = withoutLinks.replace(CUSTOM_EMOJI_RE, ' ').replace(EMOJI_RE, ' ');
  if (withoutEmoji.trim().length === 0) return 'emoji-only';
  return countLetters(withoutEmoji) < MIN_LETTERS ? 'too-short' : null;
}

const LETTER = /\p{L}/u;

/** Letters in any script; stops counting once there are enough. */
function countLetters(text: string): number {
  let letters = 0;
  for (let i = 0; i < text.length && letters < MIN_LETTERS; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
    else if (c >= 128) {
      // Astral letters are two UTF-16 units; test the whole code point once.
      const cp = text.codePointAt(i) as number;
      if (LETTER.test(String.fromCodePoint(cp))) letters++;
      if (cp > 0xffff) i++;
    }
  }
  return letters;
}
