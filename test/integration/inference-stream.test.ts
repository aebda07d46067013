import { afterEach, describe, expect, it } from 'vitest';
import { createInference, type Inference } from '../../src/inference/index.js';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { NormguardError } from '../../src/errors.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';

// Prose streamed for a person to read: the real openai SDK's stream against the simulator's SSE.
const S1 = 'Context: Tom lost a close match in a game chat.\nIntent: Tom wants to win the rematch.\nProvide an ethical assessment and an appropriate action plan for this situation.';

const sims: OllamaSimulator[] = [];
async function sim(): Promise<OllamaSimulator> {
  const s = await startOllamaSimulator({ latency: { decodeMsPerToken: 2 } });
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function inference(url: string, env: Record<string, string> = {}): Inference {
  return createInference(testConfig({ OLLAMA_HOST: url, ...env }), { clock: systemClock, logger: silentLogger() });
}

const ask = (inf: Inference, onText?: (soFar: string) => void) =>
  inf.client.complete({ messages: [{ role: 'user', content: S1 }], maxTokens: 400, priority: 'interactive', ...(onText ? { onText } : {}) });

describe('streamed prose (openai SDK stream over the simulator)', () => {
  it('hands over the text as it grows, and completes with the same answer a non-streamed call gets', async () => {
    const s = await sim();
    const inf = inference(s.url);
    const seen: string[] = [];
    const streamed = await ask(inf, (t) => seen.push(t));
    const whole = await ask(inf);
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(streamed.content);
    expect(streamed.content).toBe(whole.content);
    expect(streamed.finishReason).toBe('stop');
    expect(streamed.usage.completionTokens).toBe(whole.usage.completionTokens);
    const [first, second] = s.requestsTo('/v1/chat/completions').map((r) => r.body as Record<string, unknown>);
    expect(first).toMatchObject({ stream: true, stream_options: { include_usage: true }, reasoning_effort: 'none' });
    expect(second).toMatchObject({ stream: false });
  });

  it('a stream cut halfway is a failure, and the retry is a non-streamed request that completes', async () => {
    const s = await sim();
    const inf = inference(s.url);
    s.inject('stream-cut', { times: 1 });
    const seen: string[] = [];
    const out = await ask(inf, (t) => seen.push(t));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.length).toBeLessThan(out.content.length);
    expect(s.requestsTo('/v1/chat/completions').map((r) => (r.body as { stream?: boolean }).stream)).toEqual([true, false]);
  });

  it('with no retries left, a cut stream is reported as MODEL_UNAVAILABLE, never as a short answer', async () => {
    const s = await sim();
    const inf = inference(s.url, { NORMGUARD_MAX_RETRIES: '0' });
    s.inject('stream-cut', { times: 1 });
    const err = await ask(inf, () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NormguardError);
    expect((err as NormguardError).code).toBe('MODEL_UNAVAILABLE');
    expect((err as NormguardError).message).toMatch(/ended the stream before the answer finished/);
  });

  it('a stream that fails before any words keeps streaming on the retry', async () => {
    const s = await sim();
    const inf = inference(s.url);
    s.inject('http503', { times: 1, paths: ['/v1/chat/completions'] });
    const seen: string[] = [];
    await ask(inf, (t) => seen.push(t));
    expect(seen.length).toBeGreaterThan(1);
    expect(s.requestsTo('/v1/chat/completions').map((r) => (r.body as { stream?: boolean }).stream)).toEqual([true, true]);
  });

  it('never shows leaked thinking while it streams', async () => {
    const s = await sim();
    const inf = inference(s.url);
    s.inject('leak-think', { times: 1 });
    const seen: string[] = [];
    const out = await ask(inf, (t) => seen.push(t));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => !/<\/?t(h(i(nk?)?)?)?/i.test(t))).toBe(true);
    expect(seen.at(-1)).toBe(out.content);
  });
});
