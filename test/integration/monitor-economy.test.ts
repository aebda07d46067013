import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IncomingMessage } from '../../src/moderation/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testCore } from '../support/core.js';

let sim: OllamaSimulator;
let core: Awaited<ReturnType<typeof testCore>>;
let seq = 0;

beforeEach(async () => {
  sim = await startOllamaSimulator();
  core = await testCore(sim.url, { NORMGUARD_MAX_RETRIES: '0' });
  sim.requests.length = 0; // the start-up calibration probes
  await core.store.repos.settings.update('g1', (s) => ({ ...s, channels: { c1: { mode: 'flag', unclearToReview: false }, c2: { mode: 'flag', unclearToReview: false } } }));
});
afterEach(async () => {
  await core.close();
  await sim.close();
});

function message(text: string, author: string, over: Partial<IncomingMessage> = {}): IncomingMessage {
  seq++;
  return {
    platform: 'discord',
    workspaceId: 'g1',
    channelId: 'c1',
    messageId: `m${seq}`,
    text,
    createdAt: Date.now(),
    attachments: 0,
    ...over,
    author: { id: author, name: author, isBot: false, isWebhook: false, roleIds: [], isNew: false, ...over.author },
  };
}

const calls = () => sim.requestsTo('/v1/chat/completions');
const SPAM = 'FREE NITRO for everyone who joins my server today, link in my bio';
const RAID = 'You are all idiots and this server is trash, come to mine instead';

describe('Monitor economy: what reaches the model', () => {
  it('the same spam line from three accounts in a busy channel is judged once; every copy still gets its decision', async () => {
    const { monitor } = core.moderation;
    await monitor.handle(message('Has anyone finished the new raid yet tonight?', 'bob'));
    const outcomes = [];
    for (const [author, channelId] of [['spam1', 'c1'], ['spam2', 'c1'], ['spam3', 'c2']] as const) {
      outcomes.push(await monitor.handle(message(author === 'spam2' ? SPAM.toUpperCase() : SPAM, author, { channelId })));
    }
    expect(outcomes.map((o) => o.kind)).toEqual(['decided', 'decided', 'decided']);
    expect(outcomes.map((o) => (o.kind === 'decided' ? o.assessment.cached ?? false : null))).toEqual([false, true, true]);
    // One call for bob's question, one for the first copy of the spam.
    expect(calls()).toHaveLength(2);
  });

  it('a flagged repeat by another author opens its own case, with prose naming that author', async () => {
    const { monitor } = core.moderation;
    const first = await monitor.handle(message(RAID, 'raider1'));
    const second = await monitor.handle(message(RAID, 'raider2'));
    expect(first).toMatchObject({ kind: 'decided', policy: { decision: 'flag' } });
    expect(second).toMatchObject({ kind: 'decided', policy: { decision: 'flag' }, case: { authorId: 'raider2' } });
    if (second.kind === 'decided') expect(second.case?.assessment.text).toContain('raider2 writes:');
    // screen + prose for the first; prose only for the second. Each prose is followed by a short
    // verdict turn that checks it agrees with the verdict (schema, no logprobs).
    const kind = (c: { body: unknown }) => {
      const body = c.body as { response_format?: unknown; logprobs?: boolean };
      return body.response_format ? (body.logprobs ? 'screen' : 'check') : 'prose';
    };
    expect(calls().map(kind)).toEqual(['screen', 'prose', 'check', 'prose', 'check']);
  });

  it('a burst of the same line arriving together costs one model call', async () => {
    const { monitor } = core.moderation;
    const outcomes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((author) => monitor.handle(message(SPAM, author))));
    expect(outcomes.every((o) => o.kind === 'decided')).toBe(true);
    expect(calls()).toHaveLength(1);
  });

  it('bots, webhooks and text with nothing to judge are skipped without reading the settings', async () => {
    const get = vi.spyOn(core.store.repos.settings, 'get');
    const { monitor } = core.moderation;
    const skipped = [
      message(SPAM, 'musicbot', { author: { isBot: true } as IncomingMessage['author'] }),
      message('lol ok', 'ada'),
      message('https://example.com/some/long/path', 'ada'),
      message('🎉🎉🎉', 'ada'),
      message('!play lofi hip hop radio', 'ada'),
    ];
    for (const m of skipped) expect((await monitor.handle(m)).kind).toBe('skipped');
    expect(get).not.toHaveBeenCalled();
    expect(await monitor.handle(message(SPAM, 'ada', { channelId: 'c9' }))).toEqual({ kind: 'skipped', reason: 'channel-off' });
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('passive audits neither read nor write the assessment cache (their frames never repeat)', async () => {
    const { kv } = core.store!;
    const get = vi.spyOn(kv, 'get');
    const set = vi.spyOn(kv, 'set');
    await core.moderation.monitor.handle(message('Thanks for helping me with the build yesterday, really kind', 'ada'));
    const touched = [...get.mock.calls, ...set.mock.calls].map(([key]) => String(key));
    expect(touched.filter((k) => k.startsWith('assessment:'))).toEqual([]);
    expect(calls()).toHaveLength(1);
  });

  it('screen() says which messages need the model, before any GPU work', async () => {
    const { monitor } = core.moderation;
    expect(await monitor.screen(message('lol', 'ada'))).toEqual({ kind: 'done', outcome: { kind: 'skipped', reason: 'too-short' } });
    const fresh = await monitor.screen(message(SPAM, 'ada'));
    expect(fresh).toMatchObject({ kind: 'audit', needsModel: true });
    if (fresh.kind === 'audit') await monitor.audit(fresh);
    expect(await monitor.screen(message(SPAM, 'bob'))).toMatchObject({ kind: 'audit', needsModel: false });
    expect(calls()).toHaveLength(1);
  });
});
