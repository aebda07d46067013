import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { startService, type Service } from '../../src/service.js';
import { assessmentSchema } from '../../src/assessment/types.js';
import { silentLogger } from '../../src/logger.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';

const TOKEN = 'test-token-0123456789abcdef';
let sim: OllamaSimulator;
let service: Service;
let base: string;

async function start(env: Record<string, string> = {}) {
  const config = testConfig({
    OLLAMA_HOST: sim.url,
    NORMGUARD_HTTP_PORT: '0',
    NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-http-')),
    NORMGUARD_MAX_RETRIES: '0',
    ...env,
  });
  const core = await createApp(config, { logger: silentLogger() });
  service = await startService(core);
  base = `http://127.0.0.1:${service.address!.port}`;
  // Start-up calibration probes the model once; the counts below are about the audits alone.
  await core.calibration.ensure();
  sim.requests.length = 0;
}

beforeEach(async () => {
  sim = await startOllamaSimulator();
});
afterEach(async () => {
  await service?.stop();
  await sim.close();
});

const body = { strategy: 'check', situation: 'A group chat about a game.', intent: 'Win the argument.', action: 'Call the other player an idiot.' };
const post = (payload: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/assess`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });

describe('HTTP API', () => {
  it('POST /v1/assess returns the Assessment', async () => {
    await start();
    const res = await post(body);
    expect(res.status).toBe(200);
    const a = assessmentSchema.parse(await res.json());
    expect(a).toMatchObject({ strategy: 'permissibility', verdict: 'impermissible' });
  });

  it('accepts the four strategy names and the command aliases', async () => {
    await start();
    for (const strategy of ['guidance', 'evaluation', 'permissibility', 'norm-rationale', 'advise', 'evaluate', 'why']) {
      const res = await post({ ...body, strategy, norm: 'Be kind.' });
      expect(res.status, strategy).toBe(200);
    }
  });

  it('answers 400 with field errors for bad input, in the API field names', async () => {
    await start();
    let res = await post({ strategy: 'evaluate', situation: 'x' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'bad_input',
      message: expect.any(String),
      problems: [
        { field: 'intent', message: 'is required' },
        { field: 'action', message: 'is required' },
      ],
    });
    res = await post({ strategy: 'nope', situation: 3, extra: true });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { problems: Array<{ field: string }> }).problems.map((p) => p.field).sort();
    expect(fields).toEqual(['(body)', 'situation', 'strategy']);
    res = await post('{"strategy": ');
    expect(res.status).toBe(400);
    res = await fetch(`${base}/v1/assess`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(415);
    res = await post({ ...body, situation: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(0);
  });

  it('requires the bearer token when one is configured', async () => {
    await start({ NORMGUARD_API_TOKEN: TOKEN });
    expect((await post(body)).status).toBe(401);
    expect((await post(body, { authorization: 'Bearer wrong-token-0123456789abc' })).status).toBe(401);
    expect((await post(body, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await post(body, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('answers 503 with a reason and Retry-After when the model is unavailable', async () => {
    await start();
    sim.inject('model-missing');
    const res = await post(body);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toMatchObject({ error: 'model_missing', message: expect.stringContaining('ollama create normguard') });
  });

  it('healthz is always up; readyz tells the truth about Ollama', async () => {
    await start();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    let ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      backends: [{ reachable: true, modelPresent: true, logprobs: 'supported' }],
      verdicts: { method: 'calibrated', calibration: { state: 'calibrated', bias: { S2: expect.any(Number), S3: expect.any(Number) } } },
    });
    sim.inject('model-missing', { paths: ['/api/tags', '/api/show', '/api/ps', '/v1/chat/completions'] });
    ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, backends: [{ reachable: true, modelPresent: false }] });
    sim.clearFaults();
    sim.inject('unreachable');
    ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ backends: [{ reachable: false }] });
  });

  it('metrics expose request counts, latencies, queue depth, shed count and breaker state', async () => {
    await start();
    await post(body);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/normguard_http_requests_total\{route="\/v1\/assess",status="200"\} 1/);
    // The calibrated check: its verdict turn, prose in the frame trained to give that verdict, and a check that the prose agrees.
    expect(text).toMatch(/normguard_inference_attempts_total\{backend="http:\/\/127\.0\.0\.1:\d+",priority="interactive",outcome="ok"\} 3/);
    expect(text).toMatch(/normguard_inference_latency_seconds_count\{priority="interactive"\} 3/);
    expect(text).toMatch(/normguard_queue_depth\{priority="passive"\} 0/);
    expect(text).toMatch(/normguard_passive_shed_total 0/);
    expect(text).toMatch(/normguard_breaker_state\{backend="http:\/\/127\.0\.0\.1:\d+"\} 0/);
    expect(text).toMatch(/normguard_assessments_total\{strategy="permissibility",verdict="impermissible",cached="false"\} 1/);
  });

  it('repeats are answered from the SQLite-backed cache', async () => {
    await start();
    await post(body);
    const again = (await (await post({ ...body, action: body.action.toUpperCase() })).json()) as { cached?: boolean };
    expect(again.cached).toBe(true);
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('starts and serves while Ollama is unreachable, and says so on readyz', async () => {
    await sim.close();
    await start();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    const res = await post(body);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'model_unavailable', message: expect.stringContaining('cannot reach Ollama') });
    sim = await startOllamaSimulator();
  });

  it('unknown routes are 404 and wrong methods 405', async () => {
    await start();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/v1/assess`)).status).toBe(405);
  });
});
