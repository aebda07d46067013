import { EmbedBuilder, type MessageCreateOptions } from 'discord.js';
import type { DirectMessage, ThreadPost } from '../../../commands/review/surface.js';
import { chunk, clip, LIMITS } from '../limits.js';
import { NO_PINGS } from './mentions.js';
import { noticeMessage } from './notice.js';

/** A thread post as Discord messages: prose may take several (2000 characters each). */
export function threadMessages(post: ThreadPost): MessageCreateOptions[] {
  switch (post.kind) {
    case 'prose': {
      const text = [`**${post.heading}**`, ...post.sections.map((s) => (s.title ? `**${s.title}:** ${s.body}` : s.body))].join('\n\n');
      return chunk(text).map((part) => ({ content: part, allowedMentions: NO_PINGS }));
    }
    case 'appeal': {
      const embed = new EmbedBuilder()
        .setTitle('Appeal from the author')
        .setColor(0xf1c40f)
        .addFields({ name: 'The author’s side', value: clip(post.authorSide || '—', LIMITS.fieldValue) }, { name: 'The model on why the norm matters', value: clip(post.rationale, LIMITS.fieldValue) });
      return [{ embeds: [embed], allowedMentions: NO_PINGS }];
    }
    case 'record': {
      const quoted = post.text.split('\n').map((l) => `> ${l}`).join('\n');
      const content = `🗂️ **For the record** — this message by <@${post.authorId}> was deleted through this case; the case was then dismissed. Discord cannot restore it, so here it is:\n${quoted}`;
      return [{ content: clip(content, LIMITS.content), allowedMentions: NO_PINGS }];
    }
  }
}

export function directMessage(message: DirectMessage): MessageCreateOptions {
  if (message.kind === 'notice') return { ...noticeMessage(message.caseId, message.notice), allowedMentions: NO_PINGS };
  return { content: clip(message.text, LIMITS.content), allowedMentions: NO_PINGS };
}
