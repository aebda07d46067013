import { afterEach, describe, expect, it } from 'vitest';
import { startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from '../fakes/ollama/index.js';

// Plain fetch on purpose: the openai SDK path is covered by the inference client's own tests.

let sim: OllamaSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options?: SimulatorOptions): Promise<OllamaSimulator> {
  sim = await startOllamaSimulator(options);
  return sim;
}

function current(): OllamaSimulator {
  if (!sim) throw new Error('no simulator started');
  return sim;
}

function post(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${current().url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${current().url}${path}`, init);
}

/** An OpenAI-style request with thinking off, as the bot sends its audits. */
function v1(body: Record<string, unknown>, init?: RequestInit): Promise<Response> {
  return post('/v1/chat/completions', { model: 'normguard', reasoning_effort: 'none', ...body }, init);
}

interface Completion {
  choices: Array<{ message: { role: string; content: string; reasoning?: string }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

async function completion(body: Record<string, unknown>): Promise<Completion> {
  const res = await v1(body);
  expect(res.status).toBe(200);
  return (await res.json()) as Completion;
}

async function contentOf(body: Record<string, unknown>): Promise<string> {
  return (await completion(body)).choices[0]?.message.content ?? '';
}

const SITUATION = 'Hector is stuck in a traffic jam, as the highway is closed down to a single lane.';
const INTENTION = 'Hector wants to get home.';
const BAD = 'Hector swerves out of his lane and drives in the empty, closed lanes.';
const GOOD = 'Hector stays in his lane and waits patiently.';

const s1 = (c = 'Context', i = 'Intent') =>
  `${c}: ${SITUATION}\n${i}: ${INTENTION}\nProvide an ethical assessment and an appropriate action plan for this situation.`;
const s2 = (action: string, c = 'Context', i = 'Intent') =>
  `${c}: ${SITUATION}\n${i}: ${INTENTION}\nWhat is the moral evaluation of executing the following action: "${action}"?`;
const s3 = (action: string, c = 'Context', i = 'Intent') =>
  `${c}: ${SITUATION}\n${i}: ${INTENTION}\nIs it permissible to implement the following approach: "${action}"?`;
const s4 = (norm: string, g = 'ethical guideline', c = 'Context') =>
  `Based on fundamental ethics, why must an agent preserve the ${g} that "${norm}" given the following background?\n${c}: ${SITUATION}`;

const user = (content: string) => [{ role: 'user', content }];

const VERDICT_SCHEMA = {
  type: 'object',
  properties: {
    verdict: { type: 'string', enum: ['permissible', 'impermissible', 'unclear'] },
    severity: { type: 'string', enum: ['none', 'low', 'medium', 'high'] },
    norm: { type: ['string', 'null'] },
    summary: { type: 'string', maxLength: 200 },
  },
  required: ['verdict', 'severity', 'norm', 'summary'],
  additionalProperties: false,
};

const schemaFormat = (schema: object = VERDICT_SCHEMA) => ({
  type: 'json_schema',
  json_schema: { name: 'assessment', schema },
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function settled<T>(promise: Promise<T>): { done: () => boolean; promise: Promise<T> } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  return { done: () => done, promise: tracked };
}

describe('probe routes', () => {
  it('answers GET / and /api/version', async () => {
    await start();
    const root = await get('/');
    expect(root.status).toBe(200);
    expect(await root.text()).toBe('Ollama is running');
    expect(await (await get('/api/version')).json()).toEqual({ version: '0.12.11-sim' });
  });

  it('lists installed models on /api/tags with their details', async () => {
    await start();
    const body = (await (await get('/api/tags')).json()) as { models: Array<Record<string, unknown>> };
    expect(body.models).toHaveLength(1);
    expect(body.models[0]).toMatchObject({
      name: 'normguard:latest',
      model: 'normguard:latest',
      size: expect.any(Number),
      details: { family: 'qwen3', parameter_size: '4.0B', quantization_level: 'Q4_K_M' },
    });
  });

  it('shows loaded models on /api/ps with expires_at, and none when cold', async () => {
    const s = await start({ cold: true });
    expect(await (await get('/api/ps')).json()).toEqual({ models: [] });
    s.setLoaded(true);
    const body = (await (await get('/api/ps')).json()) as { models: Array<{ name: string; expires_at: string }> };
    expect(body.models[0]?.name).toBe('normguard:latest');
    expect(Number.isNaN(Date.parse(body.models[0]?.expires_at ?? ''))).toBe(false);
  });

  it('describes a model on /api/show, resolving a missing tag to :latest', async () => {
    await start();
    const res = await post('/api/show', { model: 'normguard' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.capabilities).toEqual(['completion', 'thinking']);
    expect(body).toHaveProperty('template');
    expect(body).toHaveProperty('parameters');
    expect(body).toHaveProperty('details.family', 'qwen3');
  });

  it('answers 404 on /api/show for an absent model', async () => {
    await start();
    const res = await post('/api/show', { model: 'llama3' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "model 'llama3' not found" });
  });

  it('lists models on /v1/models', async () => {
    await start({ models: [{ name: 'normguard' }, { name: 'other:q8' }] });
    const body = (await (await get('/v1/models')).json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['normguard:latest', 'other:q8']);
    expect(body.data[0]?.object).toBe('model');
  });

  it('answers 404 on unknown routes and 405 on a wrong method', async () => {
    await start();
    expect((await get('/api/nope')).status).toBe(404);
    expect((await get('/api/chat')).status).toBe(405);
  });

  it('records every request in order, with parsed bodies', async () => {
    const s = await start();
    await get('/');
    await post('/api/show', { model: 'normguard' });
    await post('/api/show', 'not json');
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /', 'POST /api/show', 'POST /api/show']);
    expect(s.requests[0]?.body).toBe('');
    expect(s.requestsTo('/api/show').map((r) => r.body)).toEqual([{ model: 'normguard' }, 'not json']);
    expect(s.requests[1]?.headers['content-type']).toBe('application/json');
    expect(typeof s.requests[1]?.at).toBe('number');
  });
});

describe('native /api/chat', () => {
  it('streams NDJSON by default, ending with done:true and the figures', async () => {
    await start();
    const res = await post('/api/chat', { model: 'normguard', think: false, messages: user(s3(BAD)) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(2);
    const last = lines.at(-1) as Record<string, unknown>;
    expect(last).toMatchObject({ done: true, done_reason: 'stop', model: 'normguard' });
    expect(last.total_duration).toBeGreaterThan(0);
    expect(last.prompt_eval_count).toBe(Math.ceil(s3(BAD).length / 4));
    const text = lines
      .slice(0, -1)
      .map((l) => (l.message as { content: string }).content)
      .join('');
    expect(text).toMatch(/^No, it is not permissible/);
    expect(last.eval_count).toBe(Math.ceil(text.length / 4));
    expect(lines.slice(0, -1).every((l) => l.done === false)).toBe(true);
  });

  it('answers one object with stream:false, thinking in message.thinking unless think:false', async () => {
    await start({ thinkingTokens: 50 });
    const thinking = (await (
      await post('/api/chat', { model: 'normguard', stream: false, messages: user(s3(GOOD)) })
    ).json()) as { message: { content: string; thinking?: string }; eval_count: number; done: boolean };
    expect(thinking.done).toBe(true);
    expect(thinking.message.thinking).toHaveLength(200);
    expect(thinking.message.content).toMatch(/^Yes, it is permissible/);
    expect(thinking.eval_count).toBe(50 + Math.ceil(thinking.message.content.length / 4));

    const plain = (await (
      await post('/api/chat', { model: 'normguard', stream: false, think: false, messages: user(s3(GOOD)) })
    ).json()) as { message: { thinking?: string } };
    expect(plain.message.thinking).toBeUndefined();
  });

  it('streams thinking pieces before content pieces', async () => {
    await start({ thinkingTokens: 10 });
    const res = await post('/api/chat', { model: 'normguard', messages: user(s3(GOOD)) });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: { content: string; thinking?: string } });
    const firstContent = lines.findIndex((l) => l.message.content !== '');
    const lastThinking = lines.map((l) => l.message.thinking !== undefined).lastIndexOf(true);
    expect(lastThinking).toBeGreaterThanOrEqual(0);
    expect(lastThinking).toBeLessThan(firstContent);
    expect(lines.map((l) => l.message.thinking ?? '').join('')).toHaveLength(40);
  });

  it('honours options.num_predict and stop', async () => {
    await start();
    const cut = (await (
      await post('/api/chat', { model: 'normguard', stream: false, think: false, options: { num_predict: 5 }, messages: user(s3(BAD)) })
    ).json()) as { message: { content: string }; done_reason: string; eval_count: number };
    expect(cut).toMatchObject({ done_reason: 'length', eval_count: 5 });
    expect(cut.message.content).toBe('No, it is not permissibl'.slice(0, 20));
    const stopped = (await (
      await post('/api/chat', { model: 'normguard', stream: false, think: false, options: { stop: [','] }, messages: user(s3(BAD)) })
    ).json()) as { message: { content: string }; done_reason: string };
    expect(stopped).toMatchObject({ done_reason: 'stop', message: { content: 'No' } });
  });

  it('treats a request without messages as a warm-up that loads the model and records keep_alive', async () => {
    const s = await start({ cold: true, latency: { loadMs: 30 } });
    const res = await post('/api/chat', { model: 'normguard', messages: [], keep_alive: -1 });
    expect(await res.json()).toMatchObject({
      model: 'normguard',
      message: { role: 'assistant', content: '' },
      done_reason: 'load',
      done: true,
    });
    expect(s.requestsTo('/api/chat')[0]?.body).toMatchObject({ keep_alive: -1 });
    const ps = (await (await get('/api/ps')).json()) as { models: Array<{ expires_at: string }> };
    expect(ps.models).toHaveLength(1);
    expect(new Date(ps.models[0]?.expires_at ?? 0).getUTCFullYear()).toBeGreaterThan(2100);
    expect(s.stats().completed).toBe(0);
  });

  it('unloads the model on a warm-up with keep_alive 0', async () => {
    await start();
    expect(await (await post('/api/chat', { model: 'normguard', keep_alive: 0 })).json()).toMatchObject({ done_reason: 'unload' });
    expect(await (await get('/api/ps')).json()).toEqual({ models: [] });
  });

  it('returns the native 404 for a model that is not installed', async () => {
    await start();
    const res = await post('/api/chat', { model: 'llama3', messages: user('hi') });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'model "llama3" not found, try pulling it first' });
  });

  it('constrains output to format json and to a schema', async () => {
    await start();
    const json = (await (
      await post('/api/chat', { model: 'normguard', stream: false, think: false, format: 'json', messages: user(s3(BAD)) })
    ).json()) as { message: { content: string } };
    expect(JSON.parse(json.message.content)).toMatchObject({ verdict: 'impermissible', severity: 'medium' });
    const schema = (await (
      await post('/api/chat', { model: 'normguard', stream: false, think: false, format: VERDICT_SCHEMA, messages: user(s3(GOOD)) })
    ).json()) as { message: { content: string } };
    expect(JSON.parse(schema.message.content)).toMatchObject({ verdict: 'permissible', severity: 'none' });
  });
});

describe('native /api/generate', () => {
  it('loads the model on an empty prompt', async () => {
    const s = await start({ cold: true });
    const res = await post('/api/generate', { model: 'normguard' });
    expect(await res.json()).toMatchObject({ model: 'normguard', response: '', done: true, done_reason: 'load' });
    expect(((await (await get('/api/ps')).json()) as { models: unknown[] }).models).toHaveLength(1);
    expect(s.stats().completed).toBe(0);
  });

  it('answers a prompt in `response`', async () => {
    await start();
    const res = await post('/api/generate', { model: 'normguard', think: false, stream: false, prompt: s3(BAD) });
    expect(await res.json()).toMatchObject({ response: expect.stringMatching(/^No, it is not permissible/), done: true });
  });
});

describe('OpenAI-compatible /v1/chat/completions', () => {
  it('answers in the chat.completion shape with usage counted at four characters a token', async () => {
    await start();
    const res = await v1({ messages: [{ role: 'system', content: 'Be brief.' }, ...user(s3(BAD))] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Completion & Record<string, unknown>;
    expect(body).toMatchObject({
      id: expect.any(String),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'normguard',
      system_fingerprint: 'fp_ollama',
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }],
    });
    const content = body.choices[0]?.message.content ?? '';
    expect(body.choices[0]?.message.reasoning).toBeUndefined();
    expect(body.usage).toEqual({
      prompt_tokens: Math.ceil(('Be brief.' + s3(BAD)).length / 4),
      completion_tokens: Math.ceil(content.length / 4),
      total_tokens: Math.ceil(('Be brief.' + s3(BAD)).length / 4) + Math.ceil(content.length / 4),
    });
    expect(body.usage.completion_tokens).toBeGreaterThanOrEqual(60);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(150);
  });

  it('accepts text parts as message content', async () => {
    await start();
    const content = await contentOf({ messages: [{ role: 'user', content: [{ type: 'text', text: s3(BAD) }] }] });
    expect(content).toMatch(/^No, it is not permissible/);
  });

  it('thinks by default: reasoning of thinkingTokens tokens that count toward completion tokens', async () => {
    await start({ thinkingTokens: 100 });
    const res = await post('/v1/chat/completions', { model: 'normguard', messages: user(s3(GOOD)) });
    const body = (await res.json()) as Completion;
    const message = body.choices[0]?.message;
    expect(message?.reasoning).toHaveLength(400);
    expect(body.usage.completion_tokens).toBe(100 + Math.ceil((message?.content.length ?? 0) / 4));
  });

  it('lets thinking use up max_tokens, leaving no content', async () => {
    await start({ thinkingTokens: 120 });
    const body = (await (await post('/v1/chat/completions', { model: 'normguard', max_tokens: 50, messages: user(s3(BAD)) })).json()) as Completion;
    expect(body.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '' } });
    expect(body.choices[0]?.message.reasoning).toHaveLength(200);
    expect(body.usage.completion_tokens).toBe(50);
  });

  it('accepts reasoning:{effort} and rejects unknown effort values with a 400', async () => {
    await start();
    const off = (await (
      await post('/v1/chat/completions', { model: 'normguard', reasoning: { effort: 'none' }, messages: user('hi') })
    ).json()) as Completion;
    expect(off.choices[0]?.message.reasoning).toBeUndefined();
    const res = await post('/v1/chat/completions', { model: 'normguard', reasoning_effort: 'off', messages: user('hi') });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null, code: null } });
  });

  it('cuts the answer at max_tokens with finish_reason length', async () => {
    await start();
    const body = await completion({ max_tokens: 7, messages: user(s3(BAD)) });
    expect(body.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'No, it is not permissible to'.slice(0, 28) } });
    expect(body.usage.completion_tokens).toBe(7);
  });

  it('ignores max_completion_tokens, which Ollama does not read', async () => {
    await start();
    const body = await completion({ max_completion_tokens: 5, messages: user(s3(BAD)) });
    expect(body.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams SSE chunks with deltas and [DONE], and usage only when asked', async () => {
    await start();
    const read = async (extra: Record<string, unknown>) => {
      const res = await v1({ stream: true, messages: user(s3(GOOD)), ...extra });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events.at(-1)).toBe('data: [DONE]');
      return events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')) as Record<string, any>);
    };
    const plain = await read({});
    expect(plain.every((c) => c.object === 'chat.completion.chunk' && c.usage === undefined)).toBe(true);
    expect(plain.map((c) => c.choices[0]?.delta.content ?? '').join('')).toMatch(/^Yes, it is permissible/);
    expect(plain.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(plain.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);

    const withUsage = await read({ stream_options: { include_usage: true } });
    const last = withUsage.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: Math.ceil(s3(GOOD).length / 4) });
    expect(withUsage.slice(0, -1).every((c) => c.usage === undefined)).toBe(true);
  });

  it('streams as Ollama does: the role on the first chunk only, a finish chunk with an empty delta', async () => {
    await start();
    const res = await v1({ stream: true, messages: user(s3(BAD)) });
    const chunks = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as Record<string, any>);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.slice(1).every((c) => c.choices[0]?.delta.role === undefined)).toBe(true);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
  });

  it('stream-cut: a streamed answer stops halfway with no finish_reason and no [DONE]; non-streamed requests are untouched', async () => {
    const sim = await start();
    sim.inject('stream-cut', { times: 1 });
    const whole = await contentOf({ messages: user(s3(BAD)) });
    const res = await v1({ stream: true, messages: user(s3(BAD)) });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events).not.toContain('data: [DONE]');
    const chunks = events.map((e) => JSON.parse(e.replace(/^data: /, '')) as Record<string, any>);
    expect(chunks.every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.length).toBeGreaterThan(0);
    expect(whole.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(whole.length);
    // Used up: the next stream finishes.
    const again = await (await v1({ stream: true, messages: user(s3(BAD)) })).text();
    expect(again.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('stream-cut on the native API: an error line and no done:true', async () => {
    const sim = await start();
    sim.inject('stream-cut', { times: 1 });
    const lines = (await (await post('/api/chat', { model: 'normguard', think: false, messages: user(s3(BAD)) })).text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.at(-1)?.error).toMatch(/error/);
    expect(lines.some((l) => l.done === true)).toBe(false);
  });

  it('answers 404 not_found_error for a missing model', async () => {
    await start();
    const res = await v1({ model: 'llama3', messages: user('hi') });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { message: 'model "llama3" not found, try pulling it first', type: 'not_found_error', param: null, code: null },
    });
  });

  it('answers 400 invalid_request_error for a malformed request', async () => {
    await start();
    const res = await post('/v1/chat/completions', { model: 'normguard' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('thinking capability', () => {
  const plainModel = { models: [{ name: 'plain:latest', capabilities: ['completion'] }] };

  it('rejects any thinking control for a model without the capability, on both APIs', async () => {
    await start(plainModel);
    for (const control of [{ reasoning_effort: 'none' }, { reasoning_effort: 'high' }, { reasoning: { effort: 'low' } }]) {
      const res = await post('/v1/chat/completions', { model: 'plain', messages: user('hi'), ...control });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: { message: '"plain" does not support thinking', type: 'invalid_request_error', param: null, code: null },
      });
    }
    for (const think of [true, false]) {
      const res = await post('/api/chat', { model: 'plain', think, messages: user('hi') });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: '"plain" does not support thinking' });
    }
  });

  it('answers without reasoning when such a model gets no thinking control', async () => {
    await start(plainModel);
    const body = (await (await post('/v1/chat/completions', { model: 'plain', messages: user(s3(BAD)) })).json()) as Completion;
    expect(body.choices[0]?.message.reasoning).toBeUndefined();
    expect(body.choices[0]?.message.content).toMatch(/^No, it is not permissible/);
  });
});

describe('answers by frame', () => {
  it('refuses an impermissible action in S3 with risk, boundary and a course correction', async () => {
    await start();
    const content = await contentOf({ messages: user(s3(BAD)) });
    expect(content).toMatch(/^No, it is not permissible/);
    expect(content).toContain('The risk:');
    expect(content).toContain('It crosses');
    expect(content).toContain('Instead,');
  });

  it('permits a permissible action in S3', async () => {
    await start();
    expect(await contentOf({ messages: user(s3(GOOD)) })).toMatch(/^Yes, it is permissible/);
  });

  it('reads every label synonym', async () => {
    await start();
    for (const [c, i] of [
      ['Scenario', 'Objective'],
      ['Background', 'Goal'],
    ] as const) {
      expect(await contentOf({ messages: user(s3(BAD, c, i)) })).toMatch(/^No, it is not permissible/);
      expect(await contentOf({ messages: user(s2(GOOD, c, i)) })).toMatch(/morally sound/);
      expect(await contentOf({ messages: user(s1(c, i)) })).toMatch(/^Recommended Ethical Approach:/);
    }
    const norm = 'It is wrong to drive irresponsibly.';
    expect(await contentOf({ messages: user(s4(norm, 'moral baseline', 'Background')) })).toContain(
      `preserve the moral baseline that "${norm}"`,
    );
  });

  it('gives S1 guidance with hazards and a justification naming a norm', async () => {
    await start();
    const content = await contentOf({ messages: user(s1()) });
    expect(content).toContain('Recommended Ethical Approach:');
    expect(content).toContain('Hazards to Avoid:');
    expect(content).toMatch(/Justification: the norm that ".+"/);
  });

  it('validates or criticises the action in S2', async () => {
    await start();
    expect(await contentOf({ messages: user(s2(GOOD)) })).toMatch(/is morally sound/);
    expect(await contentOf({ messages: user(s2(BAD)) })).toMatch(/is morally wrong/);
  });

  it('defends the norm in S4', async () => {
    await start();
    const norm = "It's good to be honest.";
    expect(await contentOf({ messages: user(s4(norm)) })).toMatch(/^An agent must preserve the ethical guideline that/);
  });

  it('gives a generic answer to unframed text, or a frame with a wrong label', async () => {
    await start();
    const generic = /^I can give a reliable moral assessment only when/;
    expect(await contentOf({ messages: user('Is it ok to steal bread?') })).toMatch(generic);
    expect(await contentOf({ messages: user(s3(BAD, 'Situation')) })).toMatch(generic);
  });

  it('uses the labelled table over the keyword rule, matching trimmed action text', async () => {
    await start({
      labelled: [
        { action: 'Kim bakes a cake for her neighbour.', label: 'impermissible' },
        { action: 'Kim hits the gym.', label: 'permissible' },
      ],
    });
    expect(await contentOf({ messages: user(s3(' Kim bakes a cake for her neighbour. ')) })).toMatch(/^No, it is not/);
    expect(await contentOf({ messages: user(s3('Kim hits the gym.')) })).toMatch(/^Yes, it is/);
  });

  it('applies the keyword rule on word boundaries, case-insensitively', async () => {
    await start();
    for (const action of ['Tom LIES to his boss.', 'Ana calls him an idiot.', 'Max spreads rumors about Jo.', 'Leo tells Sam to shut up.']) {
      expect(await contentOf({ messages: user(s3(action)) })).toMatch(/^No, it is not permissible/);
    }
    for (const action of ['Tom believes his boss.', 'Ana skills up.', 'Mia thanks the reviewer.']) {
      expect(await contentOf({ messages: user(s3(action)) })).toMatch(/^Yes, it is permissible/);
    }
  });
});

describe('structured answers', () => {
  it('fills a json_schema from the rules, respecting enums and additionalProperties:false', async () => {
    await start();
    const content = await contentOf({ response_format: schemaFormat(), messages: user(s3(BAD)) });
    const value = JSON.parse(content) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['norm', 'severity', 'summary', 'verdict']);
    expect(value).toMatchObject({ verdict: 'impermissible', severity: 'medium', norm: 'It is wrong to drive irresponsibly.' });
    expect(typeof value.summary).toBe('string');
  });

  it('rates violent actions high and permissible ones none', async () => {
    await start();
    const violent = JSON.parse(await contentOf({ response_format: schemaFormat(), messages: user(s3('Hector punches the driver ahead.')) }));
    expect(violent).toMatchObject({ verdict: 'impermissible', severity: 'high' });
    const fine = JSON.parse(await contentOf({ response_format: schemaFormat(), messages: user(s3(GOOD)) }));
    expect(fine).toMatchObject({ verdict: 'permissible', severity: 'none' });
  });

  it('takes the verdict from the first framed user message in a follow-up turn', async () => {
    await start();
    const prose = await contentOf({ messages: user(s2(BAD)) });
    const messages = [
      { role: 'user', content: s2(BAD) },
      { role: 'assistant', content: prose },
      { role: 'user', content: 'Now give your verdict as JSON.' },
    ];
    const value = JSON.parse(await contentOf({ response_format: schemaFormat(), messages }));
    expect(value.verdict).toBe('impermissible');
  });

  it('answers unclear when no message states an action, or the first enum value when unclear is not allowed', async () => {
    await start();
    expect(JSON.parse(await contentOf({ response_format: schemaFormat(), messages: user(s1()) })).verdict).toBe('unclear');
    const twoWay = { ...VERDICT_SCHEMA, properties: { verdict: { type: 'string', enum: ['impermissible', 'permissible'] } }, required: ['verdict'] };
    expect(JSON.parse(await contentOf({ response_format: schemaFormat(twoWay), messages: user('hello') }))).toEqual({
      verdict: 'impermissible',
    });
  });

  it('walks nested objects, arrays, numbers, booleans, $defs and unknown strings', async () => {
    await start();
    const schema = {
      type: 'object',
      properties: {
        result: { $ref: '#/$defs/result' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        count: { type: 'integer', minimum: 3 },
        flagged: { type: 'boolean' },
        note: { type: 'string' },
      },
      required: ['result', 'tags', 'confidence', 'count', 'flagged', 'note'],
      additionalProperties: false,
      $defs: {
        result: {
          type: 'object',
          properties: { verdict: { type: 'string', enum: ['permissible', 'impermissible', 'unclear'] }, norm: { type: 'string' } },
          required: ['verdict', 'norm'],
          additionalProperties: false,
        },
      },
    };
    const value = JSON.parse(await contentOf({ response_format: schemaFormat(schema), messages: user(s3('Jo steals a bike.')) }));
    expect(value).toEqual({
      result: { verdict: 'impermissible', norm: expect.any(String) },
      tags: [expect.any(String), expect.any(String)],
      confidence: expect.any(Number),
      count: 3,
      flagged: true,
      note: expect.any(String),
    });
    expect(value.confidence).toBeGreaterThanOrEqual(0);
    expect(value.confidence).toBeLessThanOrEqual(1);
  });

  it('returns free JSON for json_object', async () => {
    await start();
    const value = JSON.parse(await contentOf({ response_format: { type: 'json_object' }, messages: user(s3(BAD)) }));
    expect(value).toMatchObject({ verdict: 'impermissible', severity: 'medium', norm: expect.any(String), summary: expect.any(String) });
  });
});

describe('faults', () => {
  it('unreachable resets every route, probes included, without a response', async () => {
    const s = await start();
    s.inject('unreachable');
    await expect(get('/')).rejects.toThrow();
    await expect(get('/api/tags')).rejects.toThrow();
    await expect(v1({ messages: user('hi') })).rejects.toThrow();
    s.clearFaults();
    expect((await get('/')).status).toBe(200);
  });

  it('counts times down per affected request', async () => {
    const s = await start();
    s.inject('http500', { times: 2 });
    expect((await v1({ messages: user('hi') })).status).toBe(500);
    expect((await v1({ messages: user('hi') })).status).toBe(500);
    expect((await v1({ messages: user('hi') })).status).toBe(200);
  });

  it('unreachable with times:1 fails one request only', async () => {
    const s = await start();
    s.inject('unreachable', { times: 1 });
    await expect(v1({ messages: user('hi') })).rejects.toThrow();
    expect((await v1({ messages: user('hi') })).status).toBe(200);
    expect(s.requestsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('die-mid-request reads the request, then drops the connection', async () => {
    const s = await start();
    s.inject('die-mid-request');
    await expect(v1({ messages: user(s3(BAD)) })).rejects.toThrow();
    expect(s.requestsTo('/v1/chat/completions')[0]?.body).toMatchObject({ model: 'normguard' });
    expect(s.stats().completed).toBe(0);
  });

  it('http500 uses each route family error format, probes included', async () => {
    const s = await start();
    s.inject('http500');
    const openai = await v1({ messages: user('hi') });
    expect(openai.status).toBe(500);
    expect(await openai.json()).toMatchObject({ error: { type: 'api_error', param: null, code: null, message: expect.any(String) } });
    const native = await post('/api/chat', { model: 'normguard', messages: user('hi') });
    expect(native.status).toBe(500);
    expect(await native.json()).toEqual({ error: expect.any(String) });
    expect((await get('/api/tags')).status).toBe(500);
  });

  it('http503 answers server busy on generation routes only, unless paths name probes', async () => {
    const s = await start();
    s.inject('http503');
    const res = await v1({ messages: user('hi') });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { message: 'server busy, please try again.  maximum pending requests exceeded', type: 'api_error' },
    });
    expect((await get('/api/tags')).status).toBe(200);
    s.clearFaults();
    s.inject('http503', { paths: ['/api/tags'] });
    expect(await (await get('/api/tags')).json()).toEqual({ error: 'server busy, please try again.  maximum pending requests exceeded' });
    expect((await v1({ messages: user('hi') })).status).toBe(200);
  });

  it('paths restricts a fault to the named routes', async () => {
    const s = await start();
    s.inject('http500', { paths: ['/api/chat'] });
    expect((await v1({ messages: user('hi') })).status).toBe(200);
    expect((await get('/')).status).toBe(200);
    expect((await post('/api/chat', { model: 'normguard', stream: false, messages: user('hi') })).status).toBe(500);
  });

  it('slowMs delays the answer before it starts', async () => {
    const s = await start();
    s.inject({ slowMs: 400 }, { times: 1 });
    const slow = settled(v1({ messages: user('hi') }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(slow.done()).toBe(false);
    expect((await slow.promise).status).toBe(200);
    expect(s.stats().busyMs).toBe(0);
  });

  it('hang never answers, and close() ends the hung request promptly', async () => {
    const s = await start();
    s.inject('hang');
    const hung = settled(v1({ messages: user('hi') }));
    const probe = settled(get('/'));
    await waitFor(() => s.requests.length === 2, 'both requests to arrive');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(hung.done()).toBe(false);
    expect(probe.done()).toBe(false);
    const closing = s.close();
    const outcome = await Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(() => r('stuck'), 2_000))]);
    expect(outcome).toBe('closed');
    await expect(hung.promise).rejects.toThrow();
    await expect(probe.promise).rejects.toThrow();
  });

  it('malformed-json breaks JSON answers only, leaving prose requests and its count alone', async () => {
    const s = await start();
    s.inject('malformed-json', { times: 1 });
    expect(await contentOf({ messages: user(s3(BAD)) })).toMatch(/^No, it is not permissible/);
    const broken = await contentOf({ response_format: schemaFormat(), messages: user(s3(BAD)) });
    expect(() => JSON.parse(broken)).toThrow();
    expect(broken).toContain('{"verdict": "imperm');
    const healed = await contentOf({ response_format: schemaFormat(), messages: user(s3(BAD)) });
    expect(JSON.parse(healed).verdict).toBe('impermissible');
  });

  it('leak-think puts a closed think block before the normal answer', async () => {
    const s = await start();
    s.inject('leak-think');
    const content = await contentOf({ messages: user(s3(BAD)) });
    expect(content.startsWith('<think>some thoughts</think>\n\n')).toBe(true);
    expect(content.slice('<think>some thoughts</think>\n\n'.length)).toMatch(/^No, it is not permissible/);
  });

  it('leak-think-unterminated returns only unclosed thoughts, cut off by length', async () => {
    const s = await start();
    s.inject('leak-think-unterminated');
    const body = await completion({ max_tokens: 40, messages: user(s3(BAD)) });
    const content = body.choices[0]?.message.content ?? '';
    expect(content.startsWith('<think>')).toBe(true);
    expect(content).not.toContain('</think>');
    expect(body.choices[0]?.finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(40);
  });

  it('model-missing: 404 on generation routes; probes too when paths name them', async () => {
    const s = await start();
    s.inject('model-missing');
    const res = await v1({ messages: user('hi') });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: 'not_found_error' } });
    expect((await post('/api/chat', { model: 'normguard', messages: user('hi') })).status).toBe(404);
    expect((await post('/api/show', { model: 'normguard' })).status).toBe(200);

    s.clearFaults();
    s.inject('model-missing', { paths: ['/api/show', '/api/tags', '/api/ps', '/v1/models'] });
    expect((await post('/api/show', { model: 'normguard' })).status).toBe(404);
    expect(await (await get('/api/tags')).json()).toEqual({ models: [] });
    expect(await (await get('/api/ps')).json()).toEqual({ models: [] });
    expect(await (await get('/v1/models')).json()).toEqual({ object: 'list', data: [] });
    expect((await v1({ messages: user('hi') })).status).toBe(200);
  });

  it('nonsense: unrelated words for prose, wrongly typed fields for schemas', async () => {
    const s = await start();
    s.inject('nonsense');
    const prose = await contentOf({ messages: user(s3(BAD)) });
    expect(prose).not.toMatch(/permissible|Hector/i);
    expect(prose.split(' ').length).toBeGreaterThan(10);
    const value = JSON.parse(await contentOf({ response_format: schemaFormat(), messages: user(s3(BAD)) }));
    expect(value.verdict).toBe(7);
    expect(typeof value.summary).not.toBe('string');
  });

  it('empty: the content is the empty string', async () => {
    const s = await start();
    s.inject('empty');
    const body = await completion({ messages: user(s3(BAD)) });
    expect(body.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'stop' });
    expect(body.usage.completion_tokens).toBe(0);
    const native = (await (await post('/api/chat', { model: 'normguard', think: false, stream: false, messages: user(s3(BAD)) })).json()) as {
      message: { content: string };
    };
    expect(native.message.content).toBe('');
  });

  it('rejects a negative slowMs', async () => {
    const s = await start();
    expect(() => s.inject({ slowMs: -1 })).toThrow(TypeError);
  });
});

describe('latency model', () => {
  it('serves at most `slots` requests at once and accounts busyMs as the sum of service times', async () => {
    const s = await start({ latency: { slots: 2, decodeMsPerToken: 0.5, prefillMsPerToken: 0.1 } });
    const actions = [BAD, GOOD, 'Jo steals a bike.', 'Mia thanks the reviewer.'];
    const bodies = await Promise.all(actions.map((a) => completion({ messages: user(s3(a)) })));
    const expected = bodies.reduce((sum, b) => sum + b.usage.prompt_tokens * 0.1 + b.usage.completion_tokens * 0.5, 0);
    const stats = s.stats();
    expect(stats.maxConcurrent).toBe(2);
    expect(stats.completed).toBe(4);
    expect(stats.busyMs).toBeCloseTo(expected, 6);
    expect(stats.promptTokens).toBe(bodies.reduce((n, b) => n + b.usage.prompt_tokens, 0));
    expect(stats.completionTokens).toBe(bodies.reduce((n, b) => n + b.usage.completion_tokens, 0));
    expect(stats).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('queues beyond the slots without limit once the model is loaded', async () => {
    const s = await start({ latency: { slots: 1, decodeMsPerToken: 2, maxQueue: 1 } });
    const all = Promise.all([1, 2, 3, 4].map(() => v1({ messages: user(s3(BAD)) })));
    await waitFor(() => s.stats().inFlight === 1 && s.stats().queued === 3, 'one in service, three queued');
    const statuses = (await all).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(s.stats()).toMatchObject({ completed: 4, maxConcurrent: 1 });
  });

  it('counts thinking tokens as decode time', async () => {
    const s = await start({ thinkingTokens: 200, latency: { decodeMsPerToken: 0.25 } });
    const thinking = (await (await post('/v1/chat/completions', { model: 'normguard', messages: user(s3(BAD)) })).json()) as Completion;
    expect(s.stats().busyMs).toBeCloseTo(thinking.usage.completion_tokens * 0.25, 6);
    expect(thinking.usage.completion_tokens).toBeGreaterThan(200);
  });

  it('paces streams so they cost the same slot time as non-streamed answers', async () => {
    const s = await start({ latency: { decodeMsPerToken: 0.2 } });
    const res = await v1({ stream: true, stream_options: { include_usage: true }, messages: user(s3(GOOD)) });
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {'));
    const usage = (JSON.parse(events.at(-1)!.slice(6)) as { usage: Completion['usage'] }).usage;
    expect(s.stats()).toMatchObject({ completed: 1, completionTokens: usage.completion_tokens });
    expect(s.stats().busyMs).toBeCloseTo(usage.completion_tokens * 0.2, 6);
  });

  it('resetStats clears the counters', async () => {
    const s = await start();
    await completion({ messages: user('hi') });
    s.resetStats();
    expect(s.stats()).toEqual({ completed: 0, busyMs: 0, maxConcurrent: 0, inFlight: 0, queued: 0, promptTokens: 0, completionTokens: 0 });
  });
});

describe('cold start', () => {
  it('holds the headers back until the model has loaded', async () => {
    const s = await start({ cold: true, latency: { loadMs: 300 } });
    const pending = settled(v1({ messages: user(s3(BAD)) }));
    await waitFor(() => s.stats().queued === 1, 'the request to wait for the load');
    expect(pending.done()).toBe(false);
    const res = await pending.promise;
    expect(res.status).toBe(200);
    expect(s.stats().completed).toBe(1);
  });

  it('answers 503 beyond maxQueue while the model loads', async () => {
    const s = await start({ cold: true, latency: { loadMs: 400, maxQueue: 2 } });
    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => v1({ messages: user('hi') })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    const rejected = responses.find((r) => r.status === 503);
    expect(await rejected?.json()).toMatchObject({
      error: { message: 'server busy, please try again.  maximum pending requests exceeded' },
    });
    expect(s.stats().completed).toBe(3);
  });

  it('reports load_duration, and pays the load again after setLoaded(false)', async () => {
    const s = await start({ latency: { loadMs: 20 } });
    const ask = async () =>
      (await (await post('/api/chat', { model: 'normguard', stream: false, think: false, messages: user('hi') })).json()) as Record<
        string,
        unknown
      >;
    expect(await ask()).not.toHaveProperty('load_duration');
    s.setLoaded(false);
    expect(await (await get('/api/ps')).json()).toEqual({ models: [] });
    expect(await ask()).toHaveProperty('load_duration', expect.any(Number));
    expect(await ask()).not.toHaveProperty('load_duration');
  });
});

describe('cancellation', () => {
  it('a client that disconnects in service frees the slot and is not counted', async () => {
    const s = await start({ latency: { slots: 1, decodeMsPerToken: 50 } });
    const abort = new AbortController();
    const doomed = settled(v1({ messages: user(s3(BAD)) }, { signal: abort.signal }));
    await waitFor(() => s.stats().inFlight === 1, 'the request to start');
    abort.abort();
    await expect(doomed.promise).rejects.toThrow();
    await waitFor(() => s.stats().inFlight === 0, 'the slot to be freed');
    expect(s.stats()).toMatchObject({ completed: 0, busyMs: 0, queued: 0 });
  });

  it('a client that disconnects while queued leaves the queue', async () => {
    const s = await start({ latency: { slots: 1, decodeMsPerToken: 1 } });
    const first = v1({ messages: user(s3(GOOD)) });
    const abort = new AbortController();
    const doomed = settled(v1({ messages: user(s3(BAD)) }, { signal: abort.signal }));
    await waitFor(() => s.stats().queued === 1, 'the second request to queue');
    abort.abort();
    await expect(doomed.promise).rejects.toThrow();
    await waitFor(() => s.stats().queued === 0, 'the queue to empty');
    expect((await first).status).toBe(200);
    expect(s.stats()).toMatchObject({ completed: 1 });
  });

  it('a client that gives up during a load cancels the load when nobody else waits', async () => {
    const s = await start({ cold: true, latency: { loadMs: 10_000 } });
    const abort = new AbortController();
    const doomed = settled(v1({ messages: user('hi') }, { signal: abort.signal }));
    await waitFor(() => s.stats().queued === 1, 'the load to start');
    abort.abort();
    await expect(doomed.promise).rejects.toThrow();
    await waitFor(() => s.stats().queued === 0, 'the load to be abandoned');
    expect(await (await get('/api/ps')).json()).toEqual({ models: [] });
  });
});
