import type { KnownBlock } from '@slack/types';
import { clip, escapeMrkdwn, SECTION_TEXT_MAX } from './text.js';

const HEADER = ':writing_hand: normguard is writing… the full answer replaces this when it is done';

/** The answer while it is written; the final reply replaces it through the same response_url. */
export function draftPayload(text: string): { text: string; blocks: KnownBlock[] } {
  return {
    text: clip(text, SECTION_TEXT_MAX),
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: HEADER }] },
      { type: 'section', text: { type: 'mrkdwn', text: clip(`${escapeMrkdwn(text)} ▍`, SECTION_TEXT_MAX) } },
    ],
  };
}
