import { checkMessageContent } from './block-kit.js';
import type { ResponsePost, ResponseUrlBinding } from './types.js';
import { botAuthor, type Workspace } from './workspace.js';

// What a POST to a response_url does on Slack, for URLs bound to a place: delete_original and
// replace_original act on the message the interaction came from; response_type 'in_channel'
// posts to the channel; anything else is an ephemeral reply to the person who acted.
// Flags must be explicit here; the fake does not guess Slack's per-surface defaults.
// A URL bound to no message (a slash command's) replaces what it posted itself, ephemeral or not.

/** Applies one POST; returns what it posted, if it posted something new. */
export function applyResponse(ws: Workspace, binding: ResponseUrlBinding, body: Record<string, any>, previous?: ResponsePost): ResponsePost | undefined {
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
  checkMessageContent(text, blocks);
  const { channel, user, messageTs } = binding;
  if (body.delete_original === true) {
    if (channel !== undefined && messageTs !== undefined) ws.messages.remove(channel, messageTs);
    return undefined;
  }
  if (body.replace_original === true) {
    const target = messageTs ?? (previous && !previous.ephemeral ? previous.ts : undefined);
    if (previous?.ephemeral && messageTs === undefined) ws.ephemerals.replace(previous.ts, { text, ...(blocks ? { blocks } : {}) });
    else if (channel !== undefined && target !== undefined) ws.messages.update(channel, target, { text, ...(blocks ? { blocks } : {}) }, ws.identity.botUserId, ws.nextTs());
    return undefined;
  }
  if (channel === undefined) return undefined;
  const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : binding.threadTs;
  if (body.response_type === 'in_channel') {
    const posted = ws.messages.post(channel, { ...botAuthor(ws.identity), text, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}) });
    return { ts: posted.ts, ephemeral: false };
  }
  if (user === undefined) return undefined;
  const ts = ws.nextTs();
  ws.ephemerals.add({ channel, user, text, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}), ts });
  return { ts, ephemeral: true };
}
