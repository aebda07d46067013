import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createInference, type Inference } from '../../src/inference/index.js';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { NormguardError } from '../../src/errors.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';

const S3 =
  'Context: Tom is in a group chat.\nIntent: Tom wants to win the argument.\n' +
  'Is it permissible to implement the following approach: "Tom calls the other player an idiot."?';

const sims: OllamaSimulator[] = [];
async function sim(options: Parameters<typeof startOllamaSimulator>[0] = {}) {
  const s = await startOllamaSimulator(options);
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function inference(hosts: string[], env: Record<string, string> = {}): Inference {
  return createInference(testConfig({ OLLAMA_HOST: hosts.join(','), ...env }), { clock: systemClock, logger: silentLogger() });
}

const ask = (inf: Inference, extra: Partial<Parameters<Inference['client']['complete']>[0]> = {}) =>
  inf.client.complete({ messages: [{ role: 'user', content: S3 }], maxTokens: 200, priority: 'interactive', ...extra });

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function failure(p: Promise<unknown>): Promise<NormguardError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(NormguardError);
    return err as NormguardError;
  }
  throw new Error('expected the call to fail');
}

describe('inference client (real openai SDK against the Ollama simulator)', () => {
  it('sends the card sampling, max_tokens and thinking off on every request, non-streamed', async () => {
    const s = await sim();
    const inf = inference([s.url]);
    const out = await ask(inf);
    expect(out.content).toMatch(/not permissible/i);
    expect(out.usage.promptTokens).toBeGreaterThan(0);
    expect(out.usage.completionTokens).toBeGreaterThan(0);
    const [req] = s.requestsTo('/v1/chat/completions');
    expect(req?.body).toMatchObject({ model: 'normguard', temperature: 0.2, top_p: 0.9, max_tokens: 200, reasoning_effort: 'none', stream: false });
    expect(req?.headers['x-stainless-retry-count']).toBe('0');
  });

  it('sends no thinking control to a model whose capabilities lack thinking', async () => {
    const s = await sim({ models: [{ name: 'normguard:latest', capabilities: ['completion'] }] });
    const inf = inference([s.url]);
    await ask(inf);
    expect(s.requestsTo('/api/show')).toHaveLength(1);
    expect(s.requestsTo('/v1/chat/completions')[0]?.body).not.toHaveProperty('reasoning_effort');
  });

  it('falls back once on a 400 "does not support thinking" when /api/show could not tell, and remembers', async () => {
    const s = await sim({ models: [{ name: 'normguard:latest', capabilities: ['completion'] }] });
    s.inject('http500', { paths: ['/api/show'] });
    const inf = inference([s.url]);
    await ask(inf);
    await ask(inf);
    const bodies = s.requestsTo('/v1/chat/completions').map((r) => (r.body as Record<string, unknown>).reasoning_effort);
    expect(bodies).toEqual(['none', undefined, undefined]);
    expect(inf.backends[0]?.thinking).toBe('unsupported');
  });

  it('strips a leaked think block from the content', async () => {
    const s = await sim();
    s.inject('leak-think');
    const out = await ask(inference([s.url]));
    expect(out.content).not.toMatch(/<\/?think>/);
    expect(out.content).toMatch(/^No, it is not permissible/);
  });

  it('treats an answer that is only unterminated thinking as bad output: retried, then reported', async () => {
    const s = await sim();
    s.inject('leak-think-unterminated', { times: 1 });
    expect((await ask(inference([s.url]))).content).toMatch(/^No, it is not permissible/);
    s.inject('leak-think-unterminated');
    const err = await failure(ask(inference([s.url], { NORMGUARD_MAX_RETRIES: '1' })));
    expect(err.code).toBe('BAD_OUTPUT');
    expect(err.message).toMatch(/empty answer \(only thinking\)/);
  });

  it('reports an unreachable host as MODEL_UNAVAILABLE after bounded retries', async () => {
    const url = await closedPort();
    const err = await failure(ask(inference([url], { NORMGUARD_MAX_RETRIES: '2' })));
    expect(err.code).toBe('MODEL_UNAVAILABLE');
    expect(err.message).toContain(url);
  });

  it.each(['http500', 'die-mid-request', 'empty'] as const)('retries after %s, then answers', async (fault) => {
    const s = await sim();
    s.inject(fault, { times: 1, paths: ['/v1/chat/completions'] });
    const out = await ask(inference([s.url]));
    expect(out.content).toMatch(/permissible/i);
    expect(s.requestsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('reports 503 busy as OVERLOADED once retries are spent', async () => {
    const s = await sim();
    s.inject('http503');
    const err = await failure(ask(inference([s.url], { NORMGUARD_MAX_RETRIES: '1' })));
    expect(err.code).toBe('OVERLOADED');
    expect(s.requestsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('reports a missing model with its name and how to create it, without retrying', async () => {
    const s = await sim();
    s.inject('model-missing');
    const err = await failure(ask(inference([s.url])));
    expect(err.code).toBe('MODEL_MISSING');
    expect(err.message).toMatch(/model "normguard" is not installed on http:\/\/127\.0\.0\.1:\d+; create it there with `ollama create normguard -f ollama\/Modelfile`/);
    expect(s.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });

  it('gives up on a hanging host within the caller deadline with TIMEOUT', async () => {
    const s = await sim();
    s.inject('hang');
    const started = Date.now();
    const err = await failure(ask(inference([s.url]), { deadlineMs: 600 }));
    expect(err.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('opens the breaker after repeated failures, fails fast, then recovers after the cooldown', async () => {
    const s = await sim();
    const inf = inference([s.url], { NORMGUARD_MAX_RETRIES: '0', NORMGUARD_BREAKER_THRESHOLD: '2', NORMGUARD_BREAKER_COOLDOWN_MS: '300' });
    s.inject('http500');
    await failure(ask(inf));
    await failure(ask(inf));
    expect(inf.backends[0]?.breaker.state).toBe('open');
    const sent = s.requestsTo('/v1/chat/completions').length;
    const fast = await failure(ask(inf));
    expect(fast.code).toBe('MODEL_UNAVAILABLE');
    expect(fast.message).toMatch(/next try in/);
    expect(s.requestsTo('/v1/chat/completions')).toHaveLength(sent);
    s.clearFaults();
    await new Promise((r) => setTimeout(r, 350));
    expect(inf.backends[0]?.breaker.state).toBe('half-open');
    await ask(inf);
    expect(inf.backends[0]?.breaker.state).toBe('closed');
  });

  it('routes around a failing host to a healthy one', async () => {
    const good = await sim();
    const url = await closedPort();
    const inf = inference([url, good.url], { NORMGUARD_BREAKER_THRESHOLD: '1', NORMGUARD_SLOTS: '1' });
    for (let i = 0; i < 4; i++) await ask(inf);
    expect(good.requestsTo('/v1/chat/completions').length).toBe(4);
    expect(inf.backends[0]?.breaker.state).not.toBe('closed');
  });

  it('spreads concurrent work over several hosts by load, never beyond their slots', async () => {
    const a = await sim({ latency: { decodeMsPerToken: 0.5, slots: 2 } });
    const b = await sim({ latency: { decodeMsPerToken: 0.5, slots: 2 } });
    const inf = inference([a.url, b.url], { NORMGUARD_SLOTS: '2' });
    await Promise.all(Array.from({ length: 8 }, () => ask(inf)));
    expect(a.stats().completed).toBe(4);
    expect(b.stats().completed).toBe(4);
    expect(a.stats().maxConcurrent).toBeLessThanOrEqual(2);
    expect(b.stats().maxConcurrent).toBeLessThanOrEqual(2);
  });

  it('warms the model up with a keep-alive, and health reports it loaded', async () => {
    const s = await sim({ cold: true, latency: { loadMs: 200 } });
    const inf = inference([s.url], { NORMGUARD_KEEP_ALIVE: '-1' });
    expect((await inf.health())[0]).toMatchObject({ reachable: true, modelPresent: true, loaded: false, thinking: 'supported' });
    await inf.warmUp();
    const warm = s.requestsTo('/api/chat')[0]?.body as Record<string, unknown>;
    expect(warm).toMatchObject({ model: 'normguard', keep_alive: -1 });
    expect((await inf.health())[0]).toMatchObject({ loaded: true });
  });

  it('warm-up failure never throws: it is logged and start-up goes on', async () => {
    const inf = inference([await closedPort()]);
    await expect(inf.warmUp()).resolves.toBeUndefined();
    expect((await inf.health())[0]).toMatchObject({ reachable: false, modelPresent: false });
  });

  it('gives a cold model the cold-start allowance, not the warm request timeout', async () => {
    const s = await sim({ cold: true, latency: { loadMs: 700 } });
    const inf = inference([s.url], { NORMGUARD_REQUEST_TIMEOUT_MS: '300', NORMGUARD_COLD_START_TIMEOUT_MS: '3000', NORMGUARD_INTERACTIVE_DEADLINE_MS: '3000' });
    const out = await ask(inf);
    expect(out.content.length).toBeGreaterThan(0);
    expect(inf.backends[0]?.warm).toBe(true);
  });
});
