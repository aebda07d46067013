import type { RespondFn } from '@slack/bolt';
import type { Reply } from '../../commands/replies.js';
import { replyPayload } from './render/blocks.js';
import { draftPayload } from './render/draft.js';

/**
 * A slash command's response_url takes five POSTs within 30 minutes (Slack: "Handling user
 * interaction", response_url), and each later one may replace the first. Three drafts at most,
 * 1.5 s apart, then the final reply: one use stays spare. chat.update cannot reach an ephemeral
 * answer, which is the default here, so the response_url carries both kinds.
 */
export const SLACK_STREAM = { intervalMs: 1500, maxEdits: 3 } as const;

/** One command's answer: drafts while its prose is written, then the reply in their place. */
export class ResponseUrlAnswer {
  private posted = false;

  constructor(private readonly respond: RespondFn) {}

  /** A public answer's drafts are public too: replacing a message keeps who can see it. */
  draft(text: string, isPublic: boolean): Promise<void> {
    return this.post({ response_type: isPublic ? 'in_channel' : 'ephemeral', ...draftPayload(text) });
  }

  final(reply: Reply): Promise<void> {
    return this.post({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', ...replyPayload(reply) });
  }

  private async post(body: Parameters<RespondFn>[0] & object): Promise<void> {
    await this.respond({ ...body, ...(this.posted ? { replace_original: true } : {}) });
    this.posted = true;
  }
}
