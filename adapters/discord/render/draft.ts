import type { InteractionEditReplyOptions } from 'discord.js';
import { clip, LIMITS } from '../limits.js';
import { NO_PINGS } from './mentions.js';

const HEADER = '-# ✍️ normguard is writing… the full answer replaces this when it is done';

/** The answer while it is written, in the deferred reply; the final card replaces it. */
export function draftReply(text: string): InteractionEditReplyOptions {
  return { content: clip(`${HEADER}\n${text} ▍`, LIMITS.content), embeds: [], allowedMentions: NO_PINGS };
}
