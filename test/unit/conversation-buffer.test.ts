import { describe, expect, it } from 'vitest';
import { ConversationBuffer, type IncomingMessage } from '../../src/moderation/index.js';

const m = (channelId: string, messageId: string, text = messageId): IncomingMessage => ({
  platform: 'discord',
  workspaceId: 'g',
  channelId,
  messageId,
  text,
  createdAt: 0,
  attachments: 0,
  author: { id: 'u', name: 'alice', isBot: false, isWebhook: false, roleIds: [], isNew: false },
});

describe('ConversationBuffer', () => {
  it('keeps the last N messages per channel and returns those before a message, oldest first', () => {
    const b = new ConversationBuffer({ perChannel: 3, maxChannels: 10 });
    for (const id of ['1', '2', '3', '4', '5']) b.push(m('c', id));
    expect(b.before('g', 'c', '5', 10).map((x) => x.messageId)).toEqual(['3', '4']);
    expect(b.before('g', 'c', 'unknown', 2).map((x) => x.messageId)).toEqual(['4', '5']);
  });
  it('ignores a replayed message', () => {
    const b = new ConversationBuffer({ perChannel: 5, maxChannels: 10 });
    b.push(m('c', '1'));
    b.push(m('c', '1'));
    expect(b.before('g', 'c', 'x', 5)).toHaveLength(1);
  });
  it('forgets the least recently active channel beyond its bound', () => {
    const b = new ConversationBuffer({ perChannel: 2, maxChannels: 2 });
    b.push(m('a', '1'));
    b.push(m('b', '1'));
    b.push(m('a', '2'));
    b.push(m('c', '1'));
    expect(b.size).toBe(2);
    expect(b.has('g', 'b')).toBe(false);
    expect(b.has('g', 'a')).toBe(true);
  });
});
