import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testCore } from '../support/core.js';

// What streams and what does not: only the prose a person waits for; verdict turns stay whole.
let sim: OllamaSimulator;
let core: App;
afterEach(async () => {
  await core.close();
  await sim.close();
});

async function start(env: Record<string, string> = {}) {
  sim = await startOllamaSimulator({ latency: { decodeMsPerToken: 2 } });
  core = await testCore(sim.url, env);
  sim.requests.length = 0;
}

const streamedFlags = () => sim.requestsTo('/v1/chat/completions').map((r) => ({ stream: (r.body as { stream?: boolean }).stream, schema: (r.body as { response_format?: unknown }).response_format !== undefined }));

describe('assessments with a reader waiting (onProse)', () => {
  it('advise (S1): the prose streams and the assessment carries the same text', async () => {
    await start();
    const seen: string[] = [];
    const a = await core.assessor.assess({
      strategy: 'guidance',
      fields: { situation: 'Tom lost a close match in a game chat.', intent: 'Tom wants to win the rematch.' },
      priority: 'interactive',
      onProse: (t) => seen.push(t),
    });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)).toBe(a.text);
    expect(streamedFlags()).toEqual([{ stream: true, schema: false }]);
  });

  it.each(['calibrated', 'structured'] as const)('check (S3, %s): the verdict turns are never streamed, the prose is', async (method) => {
    await start();
    const seen: string[] = [];
    const a = await core.assessor.assess({
      strategy: 'permissibility',
      fields: { situation: 'Tom lost a close match in a game chat.', intent: 'Tom wants to vent.', action: 'Tom calls the winner an idiot.' },
      priority: 'interactive',
      method,
      onProse: (t) => seen.push(t),
    });
    expect(a.verdict).toBe('impermissible');
    expect(seen.length).toBeGreaterThan(3);
    expect(a.text.endsWith(seen.at(-1)!)).toBe(true);
    const flags = streamedFlags();
    expect(flags.filter((f) => f.schema).every((f) => f.stream === false)).toBe(true);
    expect(flags.filter((f) => !f.schema)).toEqual([{ stream: true, schema: false }]);
  });

  it('a stream cut mid-answer still ends in the whole assessment (retried without streaming)', async () => {
    await start();
    sim.inject('stream-cut', { times: 1 });
    const seen: string[] = [];
    const a = await core.assessor.assess({
      strategy: 'guidance',
      fields: { situation: 'Tom lost a close match in a game chat.', intent: 'Tom wants to win the rematch.' },
      priority: 'interactive',
      onProse: (t) => seen.push(t),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(a.text.length).toBeGreaterThan(seen.at(-1)!.length);
    expect(a.text.startsWith(seen.at(-1)!)).toBe(true);
  });
});
