import { describe, expect, it } from 'vitest';
import { prefilter, type IncomingMessage } from '../../src/moderation/index.js';
import { workspaceSettingsSchema } from '../../src/policy/settings.js';

const settings = workspaceSettingsSchema.parse({
  channels: { c1: { mode: 'flag' }, c2: { mode: 'off' } },
  exemptUserIds: ['vip'],
  exemptRoleIds: ['staff'],
  exemptChannelIds: ['c3'],
});

function msg(text: string, over: Partial<IncomingMessage> = {}, author: Partial<IncomingMessage['author']> = {}): IncomingMessage {
  return {
    platform: 'discord',
    workspaceId: 'g1',
    channelId: 'c1',
    messageId: 'm1',
    text,
    createdAt: 0,
    attachments: 0,
    ...over,
    author: { id: 'u1', name: 'alice', isBot: false, isWebhook: false, roleIds: [], isNew: false, ...author },
  };
}

describe('prefilter', () => {
  it.each<[string, IncomingMessage, string | null]>([
    ['ordinary speech is audited', msg('You are such an idiot, nobody wants you here'), null],
    ['bots', msg('You are such an idiot, nobody wants you here', {}, { isBot: true }), 'bot'],
    ['webhooks', msg('You are such an idiot, nobody wants you here', {}, { isWebhook: true }), 'webhook'],
    ['unmonitored channel', msg('You are such an idiot, nobody wants you here', { channelId: 'c9' }), 'channel-off'],
    ['channel switched off', msg('You are such an idiot, nobody wants you here', { channelId: 'c2' }), 'channel-off'],
    ['exempt user', msg('You are such an idiot, nobody wants you here', {}, { id: 'vip' }), 'exempt-user'],
    ['exempt role', msg('You are such an idiot, nobody wants you here', {}, { roleIds: ['x', 'staff'] }), 'exempt-role'],
    ['too short', msg('lol ok'), 'too-short'],
    ['short after stripping a mention', msg('<@123456789> ok thanks'), 'too-short'],
    ['link only', msg('https://example.com/some/long/path?with=query'), 'link-only'],
    ['links and mentions only', msg('<@123> https://a.example/x www.b.example'), 'link-only'],
    ['emoji only', msg('😀😀 🎉 :tada: <:pepe:1234567>'), 'emoji-only'],
    ['attachment only', msg('', { attachments: 2 }), 'attachment-only'],
    ['empty', msg('   '), 'empty'],
    ['another bot’s command', msg('!ban @someone for being annoying all day'), 'bot-command'],
    ['slash-style command', msg('/roll 2d6 and then some more words'), 'bot-command'],
    ['text starting with punctuation is speech', msg('...and then you all ignored me, again'), null],
  ])('%s', (_n, m, expected) => {
    expect(prefilter(m, settings)).toBe(expected);
  });

  it('exempt channel wins over a monitored mode', () => {
    const s = workspaceSettingsSchema.parse({ channels: { c3: { mode: 'flag' } }, exemptChannelIds: ['c3'] });
    expect(prefilter(msg('You are such an idiot, nobody wants you here', { channelId: 'c3' }), s)).toBe('exempt-channel');
  });
});
