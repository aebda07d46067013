import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/moderation/index.js';
import type { ChannelMode } from '../../src/policy/settings.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testCore } from '../support/core.js';

let sim: OllamaSimulator;
let core: Awaited<ReturnType<typeof testCore>>;
let seq = 0;

beforeEach(async () => {
  sim = await startOllamaSimulator();
  core = await testCore(sim.url, { NORMGUARD_MAX_RETRIES: '0' });
  sim.requests.length = 0; // the start-up calibration probes
});
afterEach(async () => {
  await core.close();
  await sim.close();
});

function message(text: string, over: Partial<IncomingMessage> = {}): IncomingMessage {
  seq++;
  return {
    platform: 'discord',
    workspaceId: 'g1',
    channelId: 'c1',
    messageId: `m${seq}`,
    text,
    createdAt: Date.now(),
    attachments: 0,
    url: `https://discord.com/channels/g1/c1/m${seq}`,
    ...over,
    author: { id: over.author?.id ?? 'alice', name: over.author?.name ?? 'alice', isBot: false, isWebhook: false, roleIds: [], isNew: true },
  };
}

async function monitor(mode: ChannelMode, extra: Record<string, unknown> = {}) {
  await core.store.repos.settings.update('g1', (s) => ({ ...s, channels: { c1: { mode, unclearToReview: false } }, ...extra }));
}

const INSULT = 'You are a stupid idiot and everyone here knows it';

describe('Monitor (passive audits through the real core)', () => {
  it('flag mode: an insult opens a case with the conversation excerpt and the model prose', async () => {
    await monitor('flag');
    const { monitor: m } = core.moderation;
    await m.handle(message('Has anyone finished the raid yet tonight?', { author: { id: 'bob', name: 'bob' } as never }));
    const out = await m.handle(message(INSULT, { replyTo: { messageId: 'm1', authorName: 'bob' } }));
    expect(out.kind).toBe('decided');
    if (out.kind !== 'decided') return;
    expect(out.policy).toEqual({ decision: 'flag', rule: 'flag-threshold' });
    expect(out.case).toMatchObject({ workspaceId: 'g1', channelId: 'c1', authorId: 'alice', authorName: 'alice', authorIsNew: true, status: 'open', rule: 'flag-threshold' });
    expect(out.case?.context).toBe('bob: Has anyone finished the raid yet tonight?');
    expect(out.case?.assessment.text).toMatch(/not permissible/i);
    // The screen is the calibrated method (schema with logprobs); the prose comes after, for the
    // card, then a short verdict turn that checks the prose agrees.
    const bodies = sim.requestsTo('/v1/chat/completions').slice(1).map((r) => r.body as { response_format?: unknown; logprobs?: boolean; messages: Array<{ content: string }> });
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatchObject({ response_format: { type: 'json_schema' }, logprobs: true, top_logprobs: 20 });
    expect(bodies[1]?.response_format).toBeUndefined();
    expect(bodies[2]?.response_format).toBeDefined();
    expect(bodies[2]?.messages[1]).toEqual({ role: 'assistant', content: out.case?.assessment.text });
    expect(out.case?.assessment).toMatchObject({ method: 'calibrated', score: expect.any(Number) });
    expect(out.case!.assessment.score!).toBeGreaterThan(0.9);
    expect(bodies[0]?.messages[0]?.content).toMatch(/^Context: In a community chat channel, the recent messages were: bob: Has anyone finished the raid yet tonight\?\nIntent: alice wants to reply to bob\.\nIs it permissible to implement the following approach: "alice writes: You are a stupid idiot and everyone here knows it"\?$/);
  });

  it('a permissible message stays silent; a repeat of the same message id is not audited twice', async () => {
    await monitor('flag');
    const msg = message('Thanks for helping me with the build yesterday, really kind');
    const first = await core.moderation.monitor.handle(msg);
    expect(first).toMatchObject({ kind: 'decided', policy: { decision: 'silent', rule: 'permissible' } });
    expect(await core.moderation.monitor.handle(msg)).toEqual({ kind: 'skipped', reason: 'duplicate' });
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('coach mode explains a medium-severity message once, then the channel cooldown keeps it quiet', async () => {
    await monitor('coach');
    const out = await core.moderation.monitor.handle(message(INSULT));
    expect(out).toMatchObject({ kind: 'decided', policy: { decision: 'explain' }, explanation: expect.stringMatching(/^A gentle note from normguard: /) });
    const again = await core.moderation.monitor.handle(message(`${INSULT}, again`, { author: { id: 'carol', name: 'carol' } as never }));
    expect(again).toMatchObject({ kind: 'decided', policy: { decision: 'silent', rule: 'channel-cooldown' } });
  });

  it('shadow mode decides and records, never acts', async () => {
    await monitor('shadow');
    const out = await core.moderation.monitor.handle(message(INSULT));
    expect(out).toMatchObject({ kind: 'decided', policy: { decision: 'silent', shadow: 'flag' } });
    if (out.kind === 'decided') expect(out.case).toBeUndefined();
    const counters = await core.moderation.activity.counters('g1', 0);
    expect(counters).toMatchObject({ audited: 1, shadowFlag: 1, flag: 0 });
  });

  it('unmonitored channels and bots never reach the model', async () => {
    await monitor('flag');
    expect(await core.moderation.monitor.handle(message(INSULT, { channelId: 'c9' }))).toEqual({ kind: 'skipped', reason: 'channel-off' });
    const bot = message(INSULT);
    expect(await core.moderation.monitor.handle({ ...bot, author: { ...bot.author, isBot: true } })).toEqual({ kind: 'skipped', reason: 'bot' });
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(0);
  });

  it('a model that is down is reported as a failed audit and counted, never thrown', async () => {
    await monitor('flag');
    sim.inject('http500');
    const out = await core.moderation.monitor.handle(message(INSULT));
    expect(out).toMatchObject({ kind: 'failed', error: { code: 'MODEL_UNAVAILABLE' } });
    expect((await core.moderation.activity.counters('g1', 0)).failed).toBe(1);
  });
});
