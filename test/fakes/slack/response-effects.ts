import { checkMessageContent } from './block-kit.js';
import type { ResponseUrlBinding } from './types.js';
import { botAuthor, type Workspace } from './workspace.js';

// What a POST to a response_url does on Slack, for URLs bound to a place: delete_original and
// replace_original act on the message the interaction came from; response_type 'in_channel'
// posts to the channel; anything else is an ephemeral reply to the person who acted.
// Flags must be explicit here; the fake does not guess Slack's per-surface defaults.

export function applyResponse(ws: Workspace, binding: ResponseUrlBinding, body: Record<string, any>): void {
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
  checkMessageContent(text, blocks);
  const { channel, user, messageTs } = binding;
  if (body.delete_original === true) {
    if (channel !== undefined && messageTs !== undefined) ws.messages.remove(channel, messageTs);
    return;
  }
  if (body.replace_original === true) {
    if (channel === undefined || messageTs === undefined) return;
    ws.messages.update(channel, messageTs, { text, ...(blocks ? { blocks } : {}) }, ws.identity.botUserId, ws.nextTs());
    return;
  }
  if (channel === undefined) return;
  const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : binding.threadTs;
  if (body.response_type === 'in_channel') {
    ws.messages.post(channel, { ...botAuthor(ws.identity), text, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}) });
    return;
  }
  if (user === undefined) return;
  ws.ephemerals.add({ channel, user, text, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}), ts: ws.nextTs() });
}
