import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOllamaSimulator, type Fault, type InjectOptions, type OllamaSimulator } from '../fakes/ollama/index.js';
import { type Api, CHECK_BODY, freePort, INTERACTIVE_DEADLINE_MS, metric, SLACK_MS, startApi, until } from './support/harness.js';
import { FaultRecorder } from './support/results.js';

// Ollama misbehaving, as an HTTP API client and a load balancer see it: POST /v1/assess answers
// or fails with a status, a code and Retry-After before its deadline; /readyz says what is true.

const results = new FaultRecorder('ollama-http');
const ALL_PATHS = ['/api/tags', '/api/show', '/api/ps', '/api/chat', '/v1/chat/completions'];
let sim: OllamaSimulator;
let api: Api | undefined;

beforeAll(async () => {
  sim = await startOllamaSimulator();
});
beforeEach(() => sim.clearFaults());
afterEach(async () => {
  await api?.stop();
  api = undefined;
});
afterAll(async () => {
  await sim.close();
  await results.flush();
});

/** /readyz must agree with what the core itself knows about its one backend. */
async function expectReadyzTruthful(a: Api, ready: boolean, also: Record<string, unknown> = {}) {
  const r = await a.readyz();
  const b = r.body.backends[0]!;
  expect(r.status).toBe(ready ? 200 : 503);
  expect(r.body.ready).toBe(ready);
  expect(b.breaker).toBe(a.core.inference.backends[0]!.breaker.state);
  expect(ready).toBe(b.reachable === true && b.modelPresent === true && b.breaker !== 'open');
  expect(b).toMatchObject(also);
  return r;
}

interface Case {
  name: string;
  fault: Fault;
  options?: InjectOptions;
  status: number;
  /** The error code in the body, or the verdict when answered. */
  expect: Record<string, unknown>;
  ready: boolean;
}

const CASES: Case[] = [
  { name: 'connection reset on every request', fault: 'unreachable', status: 503, expect: { error: 'model_unavailable', message: expect.stringContaining('cannot reach Ollama') }, ready: false },
  { name: 'dies mid-request, every time', fault: 'die-mid-request', status: 503, expect: { error: 'model_unavailable' }, ready: true },
  { name: 'dies mid-request once', fault: 'die-mid-request', options: { times: 1 }, status: 200, expect: { verdict: 'impermissible' }, ready: true },
  { name: 'hangs', fault: 'hang', status: 503, expect: { error: 'timeout', message: 'no answer from the model within 1s' }, ready: false },
  { name: 'HTTP 500 on every request', fault: 'http500', status: 503, expect: { error: 'model_unavailable', message: expect.stringContaining('failed (500') }, ready: false },
  { name: 'HTTP 503 (busy) on generation', fault: 'http503', status: 503, expect: { error: 'overloaded' }, ready: true },
  { name: 'model not installed', fault: 'model-missing', options: { paths: ALL_PATHS }, status: 503, expect: { error: 'model_missing', message: expect.stringContaining('ollama create normguard') }, ready: false },
  { name: 'malformed JSON verdict', fault: 'malformed-json', status: 200, expect: { verdict: 'unclear', raw: expect.stringContaining('{"verdict": "imperm') }, ready: true },
  { name: 'wrongly typed JSON and nonsense prose', fault: 'nonsense', status: 200, expect: { verdict: 'unclear' }, ready: true },
  { name: 'leaked <think> block', fault: 'leak-think', status: 200, expect: { verdict: 'impermissible', text: expect.not.stringContaining('<think>') }, ready: true },
  { name: 'unterminated <think>, every time', fault: 'leak-think-unterminated', status: 502, expect: { error: 'bad_output' }, ready: true },
  { name: 'empty answer, every time', fault: 'empty', status: 502, expect: { error: 'bad_output' }, ready: true },
];

describe('HTTP API: POST /v1/assess and /readyz while Ollama misbehaves', () => {
  it.each(CASES)('$name', async ({ name, fault, options, status, expect: body, ready }) => {
    api = await startApi({ OLLAMA_HOST: sim.url });
    sim.inject(fault, options);
    const r = await api.assess();
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body).toMatchObject(body);
    expect(r.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);
    if (status === 503) expect(r.retryAfter).toBe('30');
    expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.ts:\d+|<\/?think>/);
    const readyz = await expectReadyzTruthful(api, ready);
    const what = status === 200 ? `verdict ${String(r.body.verdict)}${r.body.raw !== undefined ? ' (raw output kept)' : ''}` : `error ${String(r.body.error)}`;
    results.row('HTTP API', name, `${status} ${what}${status === 503 ? ', Retry-After: 30' : ''}; /readyz ${readyz.status}`);
  });

  it('Ollama down at start: serves, says 503 on /readyz, answers 503 at once, recovers when Ollama comes up', async () => {
    const port = await freePort();
    api = await startApi({ OLLAMA_HOST: `http://127.0.0.1:${port}` });
    expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
    await expectReadyzTruthful(api, false, { reachable: false, error: expect.stringContaining('cannot reach Ollama') });
    const down = await api.assess();
    expect(down).toMatchObject({ status: 503, retryAfter: '30', body: { error: 'model_unavailable' } });
    expect(down.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);

    const late = await startOllamaSimulator({ port });
    try {
      await until('/readyz says ready', async () => (await api!.readyz()).status === 200);
      const up = await api.assess();
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ verdict: 'impermissible' });
      await expectReadyzTruthful(api, true, { reachable: true, modelPresent: true, breaker: 'closed' });
    } finally {
      await late.close();
    }
    results.row('HTTP API', 'Ollama down at start, then up', '/healthz 200, /readyz 503, assess 503 at once; /readyz 200 and assess 200 once Ollama answers');
  });

  it('the breaker opens after repeated failures, fails fast without calling Ollama, and recovers', async () => {
    api = await startApi({ OLLAMA_HOST: sim.url });
    sim.inject('http500', { paths: ['/v1/chat/completions'] });
    // Two requests, two attempts each: four failures against a threshold of three.
    expect((await api.assess()).status).toBe(503);
    expect((await api.assess()).status).toBe(503);
    expect(api.core.inference.backends[0]!.breaker.state).toBe('open');
    await expectReadyzTruthful(api, false, { reachable: true, modelPresent: true, breaker: 'open' });
    expect(metric(await api.metrics(), 'normguard_breaker_state')).toBe(2);

    const sent = sim.requestsTo('/v1/chat/completions').length;
    const fast = await api.assess();
    expect(fast.status).toBe(503);
    expect(fast.body).toMatchObject({ error: 'model_unavailable', message: expect.stringMatching(/next try in \d+s/) });
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(sent);

    sim.clearFaults();
    await until('/readyz says ready again', async () => (await api!.readyz()).status === 200);
    expect((await api.assess()).status).toBe(200);
    expect(api.core.inference.backends[0]!.breaker.state).toBe('closed');
    expect(metric(await api.metrics(), 'normguard_breaker_state')).toBe(0);
    await expectReadyzTruthful(api, true, { breaker: 'closed' });
    results.row('HTTP API', 'repeated 500s (breaker)', 'breaker opens: 503 at once with "next try in Ns", no call reaches Ollama, /readyz 503; closes after the cooldown: 200');
  });

  it('a half-open trial answered "busy" does not leave the breaker stuck', async () => {
    api = await startApi({ OLLAMA_HOST: sim.url });
    sim.inject('http500', { paths: ['/v1/chat/completions'] });
    await api.assess();
    await api.assess();
    expect(api.core.inference.backends[0]!.breaker.state).toBe('open');
    sim.clearFaults();
    await until('the breaker lets a trial through', () => api!.core.inference.backends[0]!.breaker.state === 'half-open');
    sim.inject('http503', { paths: ['/v1/chat/completions'], times: 2 }); // the trial and its retry
    const trial = await api.assess();
    expect(trial.body).toMatchObject({ error: 'overloaded' });
    const next = await api.assess();
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(next.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS);
    await expectReadyzTruthful(api, true, { breaker: 'closed' });
    results.row('HTTP API', 'breaker trial answered 503', 'the trial ends (503 overloaded); the next request is the new trial and answers 200');
  });

  it('cold start: /readyz says "not loaded" while the model loads; callers get a timeout in time, then answers', async () => {
    const cold = await startOllamaSimulator({ cold: true, latency: { loadMs: 1300 } });
    try {
      api = await startApi({ OLLAMA_HOST: cold.url }, undefined, { awaitCalibration: false });
      // startService warms the model up (and calibrates) in the background; start-up did not wait for it.
      await expectReadyzTruthful(api, true, { reachable: true, modelPresent: true, loaded: false });
      const early = await api.assess();
      expect(early.status).toBe(503);
      expect(early.body).toMatchObject({ error: 'timeout', message: 'no answer from the model within 1s' });
      expect(early.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);
      await until('the model is loaded', async () => (await api!.readyz()).body.backends[0]!.loaded === true);
      const later = await api.assess();
      expect(later.status).toBe(200);
      await expectReadyzTruthful(api, true, { loaded: true });
    } finally {
      await cold.close();
    }
    results.row('HTTP API', 'cold start (1.3 s load)', '/readyz 200 with loaded:false; assess 503 timeout within its 1 s deadline; loaded:true and 200 after the warm-up');
  });
});
