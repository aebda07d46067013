import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assessor, type VerdictMethod } from '../../src/assessment/index.js';
import { systemClock } from '../../src/clock.js';
import { createInference } from '../../src/inference/index.js';
import { silentLogger } from '../../src/logger.js';
import { AssessmentCache, MemoryKvStore } from '../../src/store/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';
import { labelledActions, loadMoralStories } from '../support/moral-stories.js';

const stories = loadMoralStories(40);
let sim: OllamaSimulator;

beforeAll(async () => {
  sim = await startOllamaSimulator({ labelled: labelledActions(stories) });
});
afterAll(async () => {
  await sim.close();
});

function assessor(options: { method?: VerdictMethod; cache?: boolean; retries?: string } = {}) {
  const config = testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_MAX_RETRIES: options.retries ?? '2' });
  const inference = createInference(config, { clock: systemClock, logger: silentLogger() });
  return new Assessor({
    inference: inference.client,
    method: options.method ?? 'structured',
    maxTokens: 300,
    verdictMaxTokens: 120,
    cache: options.cache ? new AssessmentCache(new MemoryKvStore()) : undefined,
    cacheTtlMs: 60_000,
    clock: systemClock,
    logger: silentLogger(),
  });
}

const story = stories[0]!;
const fields = (action: string) => ({ situation: story.situation, intent: story.intention, action });

describe('Assessor against the simulator', () => {
  it('structured: prose in the frame, then a schema-constrained verdict turn in the same conversation', async () => {
    sim.requests.length = 0;
    const a = await assessor().assess({ strategy: 'permissibility', fields: fields(story.immoral_action), priority: 'interactive' });
    expect(a).toMatchObject({ strategy: 'permissibility', verdict: 'impermissible', method: 'structured', model: 'normguard' });
    expect(['low', 'medium', 'high']).toContain(a.severity);
    expect(a.text).toMatch(/not permissible/i);
    expect(a.summary.length).toBeGreaterThan(0);
    expect(a.raw).toBeUndefined();
    const [prose, verdict] = sim.requestsTo('/v1/chat/completions').map((r) => r.body as Record<string, any>);
    expect(prose?.messages).toEqual([{ role: 'user', content: expect.stringContaining(`"${story.immoral_action}"?`) }]);
    expect(prose?.response_format).toBeUndefined();
    expect(verdict?.messages).toHaveLength(3);
    expect(verdict?.messages[1]).toEqual({ role: 'assistant', content: a.text });
    expect(verdict?.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { required: ['verdict', 'severity', 'norm', 'summary'] } } });
    expect(a.usage.promptTokens).toBeGreaterThan(0);
  });

  it('structured: the moral action of a real story is permissible with severity none', async () => {
    const a = await assessor().assess({ strategy: 'permissibility', fields: fields(story.moral_action), priority: 'interactive' });
    expect(a).toMatchObject({ verdict: 'permissible', severity: 'none' });
  });

  it('fast: one schema request, no prose; elaborate() adds the prose later, checked against the verdict', async () => {
    sim.requests.length = 0;
    const as = assessor({ method: 'fast' });
    const req = { strategy: 'permissibility' as const, fields: fields(story.immoral_action), priority: 'passive' as const };
    const a = await as.assess(req);
    expect(a).toMatchObject({ verdict: 'impermissible', method: 'fast', text: '' });
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(1);
    const explained = await as.elaborate(req, a);
    expect(explained.text).toMatch(/not permissible/i);
    expect(explained.verdict).toBe('impermissible');
    expect(explained.usage.completionTokens).toBeGreaterThan(a.usage.completionTokens);
    // The prose, then a short verdict turn after it that checks the prose agrees with the verdict.
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('agrees with the labels on 20 real stories with both methods', async () => {
    for (const method of ['structured', 'fast'] as const) {
      const as = assessor({ method });
      for (const s of stories.slice(0, 10)) {
        const f = { situation: s.situation, intent: s.intention };
        expect((await as.assess({ strategy: 'permissibility', fields: { ...f, action: s.moral_action }, priority: 'passive' })).verdict).toBe('permissible');
        expect((await as.assess({ strategy: 'permissibility', fields: { ...f, action: s.immoral_action }, priority: 'passive' })).verdict).toBe('impermissible');
      }
    }
  });

  it.each(['guidance', 'evaluation', 'norm-rationale'] as const)('%s yields a full Assessment', async (strategy) => {
    const a = await assessor().assess({ strategy, fields: { ...fields(story.immoral_action), norm: story.norm }, priority: 'interactive' });
    expect(a.strategy).toBe(strategy);
    expect(a.text.length).toBeGreaterThan(20);
    if (strategy === 'norm-rationale') expect(a.norm).toBe(story.norm);
  });

  it('an unreadable verdict turn becomes unclear with the raw output kept, and is not cached', async () => {
    const as = assessor({ cache: true, retries: '0' });
    sim.inject('malformed-json', { paths: ['/v1/chat/completions'] });
    try {
      const a = await as.assess({ strategy: 'permissibility', fields: fields(story.immoral_action), priority: 'interactive' });
      expect(a.verdict).toBe('unclear');
      expect(a.raw).toBeDefined();
      expect(a.raw!.length).toBeGreaterThan(0);
    } finally {
      sim.clearFaults();
    }
    const again = await as.assess({ strategy: 'permissibility', fields: fields(story.immoral_action), priority: 'interactive' });
    expect(again.cached).toBeUndefined();
    expect(again.verdict).toBe('impermissible');
  });

  it('nonsense from the model (wrong JSON types) is unclear, never an exception', async () => {
    sim.inject('nonsense', { paths: ['/v1/chat/completions'] });
    try {
      const a = await assessor({ method: 'fast' }).assess({ strategy: 'permissibility', fields: fields('x y z'), priority: 'interactive' });
      expect(a.verdict).toBe('unclear');
    } finally {
      sim.clearFaults();
    }
  });

  it('exact repeats hit the cache, case and spacing aside; other text misses', async () => {
    const as = assessor({ cache: true });
    sim.requests.length = 0;
    const first = await as.assess({ strategy: 'permissibility', fields: fields(story.immoral_action), priority: 'interactive' });
    const repeat = await as.assess({
      strategy: 'permissibility',
      fields: { situation: `  ${story.situation.toUpperCase()} `, intent: story.intention, action: story.immoral_action.replace(/ /g, '  ') },
      priority: 'interactive',
    });
    expect(first.cached).toBeUndefined();
    expect(repeat.cached).toBe(true);
    expect(repeat.verdict).toBe(first.verdict);
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(2);
    await as.assess({ strategy: 'permissibility', fields: fields(story.moral_action), priority: 'interactive' });
    expect(sim.requestsTo('/v1/chat/completions')).toHaveLength(4);
  });

  it('bad fields are a BadInputError before anything is sent', async () => {
    sim.requests.length = 0;
    await expect(assessor().assess({ strategy: 'evaluation', fields: { situation: 's', intent: '' }, priority: 'interactive' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      problems: [{ field: 'intent', message: 'is empty' }, { field: 'action', message: 'is required' }],
    });
    expect(sim.requests).toHaveLength(0);
  });
});
