import type { KnownBlock } from '@slack/types';
import type { DirectMessage, ThreadPost } from '../../../commands/review/surface.js';
import { noticeBlocks } from './blocks.js';
import { clip, escapeMrkdwn, SECTION_TEXT_MAX, slackText } from './text.js';

export interface SlackPost {
  text: string;
  blocks?: KnownBlock[];
}

/** A case-thread post as a Slack message (text is mrkdwn: our tokens kept, the rest escaped). */
export function threadPost(post: ThreadPost): SlackPost {
  switch (post.kind) {
    case 'prose': {
      const body = post.sections.map((s) => (s.title ? `*${escapeMrkdwn(s.title)}:* ${escapeMrkdwn(s.body)}` : escapeMrkdwn(s.body))).join('\n\n');
      return { text: clip(`*${slackText(post.heading)}*\n\n${body}`, 3 * SECTION_TEXT_MAX) };
    }
    case 'appeal':
      return {
        text: 'Appeal from the author',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '*Appeal from the author*' } },
          {
            type: 'section',
            fields: [
              { type: 'mrkdwn', text: clip(`*The author’s side*\n${escapeMrkdwn(post.authorSide)}`, 2000) },
              { type: 'mrkdwn', text: clip(`*The model on why the norm matters*\n${escapeMrkdwn(post.rationale)}`, 2000) },
            ],
          },
        ],
      };
    case 'record': {
      // Named, not mentioned: a Slack mention would notify the author of their own deleted message.
      const who = post.authorName ? `*${escapeMrkdwn(post.authorName)}*` : 'the author';
      const quoted = `>${escapeMrkdwn(post.text).replace(/\n/g, '\n>')}`;
      return { text: clip(`:file_folder: *For the record* — this message by ${who} was deleted through this case; the case was then dismissed. Slack cannot restore it, so here it is:\n${quoted}`, 3 * SECTION_TEXT_MAX) };
    }
  }
}

export function directPost(message: DirectMessage): SlackPost {
  if (message.kind === 'notice') return { text: escapeMrkdwn(message.notice.title), blocks: noticeBlocks(message.caseId, message.notice) };
  return { text: clip(slackText(message.text), 3 * SECTION_TEXT_MAX) };
}
