import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Assessor, type Assessment, type VerdictMethod } from '../../src/assessment/index.js';
import { DISAGREEING_PROSE_NOTE } from '../../src/assessment/consistent-prose.js';
import { Calibrator } from '../../src/calibration/calibrator.js';
import { systemClock } from '../../src/clock.js';
import { createInference } from '../../src/inference/index.js';
import { createLogger, silentLogger, type Logger } from '../../src/logger.js';
import { startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';
import { labelledActions, loadMoralStories } from '../support/moral-stories.js';

// Each verdict method against a model whose frames carry the trained priors (S3 leans to
// refusing, S2 to validating) and against an unbiased one, through the real openai SDK.

const STORIES = loadMoralStories(30);
const ITEMS = STORIES.flatMap((s) => [
  { fields: { situation: s.situation, intent: s.intention, action: s.moral_action }, bad: false },
  { fields: { situation: s.situation, intent: s.intention, action: s.immoral_action }, bad: true },
]);

const sims: OllamaSimulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function simulator(bias: number, extra: SimulatorOptions = {}): Promise<OllamaSimulator> {
  const sim = await startOllamaSimulator({ labelled: labelledActions(STORIES), persona: { kind: 'prior', bias: { S3: bias, S2: -bias } }, ...extra });
  sims.push(sim);
  return sim;
}

function assessor(sim: OllamaSimulator, method: VerdictMethod, logger: Logger = silentLogger()): Assessor {
  // Generous deadlines: the figures are what is measured here, not the speed of a loaded machine.
  const config = testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_SLOTS: '4', NORMGUARD_PASSIVE_QUEUE: '10000', NORMGUARD_MAX_RETRIES: '0', NORMGUARD_PASSIVE_DEADLINE_MS: '120000', NORMGUARD_INTERACTIVE_DEADLINE_MS: '60000', NORMGUARD_COLD_START_TIMEOUT_MS: '60000', NORMGUARD_REQUEST_TIMEOUT_MS: '30000' });
  const inference = createInference(config, { clock: systemClock, logger });
  const limits = { maxTokens: 300, verdictMaxTokens: 120 };
  const calibration = new Calibrator({ inference: inference.client, limits, clock: systemClock, logger });
  return new Assessor({ inference: inference.client, method, ...limits, calibration, awaitCalibration: true, cacheTtlMs: 0, clock: systemClock, logger });
}

interface Figures {
  precision: number;
  recall: number;
  unclear: number;
  assessments: Assessment[];
}

async function measure(sim: OllamaSimulator, method: VerdictMethod): Promise<Figures> {
  const as = assessor(sim, method);
  const assessments = await Promise.all(ITEMS.map((i) => as.assess({ strategy: 'permissibility', fields: i.fields, priority: 'passive' })));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let unclear = 0;
  assessments.forEach((a, n) => {
    const bad = ITEMS[n]!.bad;
    if (a.verdict === 'unclear') unclear++;
    if (a.verdict === 'impermissible') (bad ? tp++ : fp++);
    else if (bad) fn++;
  });
  return { precision: tp / Math.max(1, tp + fp), recall: tp / (tp + fn), unclear: unclear / ITEMS.length, assessments };
}

describe.each([0, 1.5, 3])('frame prior of %s logits', (bias) => {
  let sim: OllamaSimulator;
  beforeAll(async () => {
    sim = await simulator(bias);
  });

  it('calibrated: precision ≥ 0.85, recall ≥ 0.70, unclear ≤ 25%, with a score on every answer', { timeout: 60_000 }, async () => {
    const f = await measure(sim, 'calibrated');
    expect(f.precision).toBeGreaterThanOrEqual(0.85);
    expect(f.recall).toBeGreaterThanOrEqual(0.7);
    expect(f.unclear).toBeLessThanOrEqual(0.25);
    for (const a of f.assessments) {
      expect(a.method).toBe('calibrated');
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
      expect(a.fallback).toBeUndefined();
    }
    // The score ranks harmful actions above benign ones whatever the prior.
    const mean = (bad: boolean) => f.assessments.filter((_, n) => ITEMS[n]!.bad === bad).reduce((s, a) => s + a.score!, 0) / (ITEMS.length / 2);
    expect(mean(true) - mean(false)).toBeGreaterThan(0.3);
  });

  it('contrast: what it decides is right; a strong prior leaves most items unclear', { timeout: 60_000 }, async () => {
    const f = await measure(sim, 'contrast');
    expect(f.assessments.every((a) => a.method === 'contrast' && a.score === null)).toBe(true);
    if (f.unclear < 1) expect(f.precision).toBeGreaterThanOrEqual(0.85);
    if (bias === 0) expect(f.unclear).toBeLessThanOrEqual(0.25);
    if (bias >= 1.5) expect(f.unclear).toBeGreaterThan(0.5);
  });

  it('fast and structured follow the prior: fine unbiased, flooded with false flags under it', { timeout: 90_000 }, async () => {
    for (const method of ['fast', 'structured'] as const) {
      const f = await measure(sim, method);
      if (bias === 0) expect(f.precision, method).toBeGreaterThanOrEqual(0.85);
      else expect(f.precision, method).toBeLessThan(0.75);
    }
  });
});

describe('calibrated method, edges', () => {
  it('without logprobs (Ollama < 0.12.11) falls back to the contrast, says so, and logs it', async () => {
    const sim = await simulator(0, { logprobs: false });
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) });
    const as = assessor(sim, 'calibrated', logger);
    const a = await as.assess({ strategy: 'permissibility', fields: ITEMS[1]!.fields, priority: 'interactive', prose: false });
    expect(a).toMatchObject({ method: 'contrast', score: null, fallback: expect.stringContaining('0.12.11') });
    expect(a.verdict).not.toBe('permissible');
    expect(lines.some((l) => l.includes('no logprobs'))).toBe(true);
  });

  it.each(['logprobs-missing', 'logprobs-malformed', 'logprobs-nan'] as const)('%s on the verdict turn: a fallback, never a crash', async (fault) => {
    const sim = await simulator(2);
    const as = assessor(sim, 'calibrated');
    await as.assess({ strategy: 'permissibility', fields: ITEMS[0]!.fields, priority: 'passive' }); // calibrates
    sim.inject(fault, { times: 1 });
    const a = await as.assess({ strategy: 'permissibility', fields: ITEMS[3]!.fields, priority: 'passive' });
    expect(a.method).toBe('contrast');
    expect(a.score).toBeNull();
    expect(a.fallback).toMatch(/logprobs/);
    expect(['permissible', 'impermissible', 'unclear']).toContain(a.verdict);
  });

  it('prose shown with a verdict is in the frame trained for it, never a refusal under "permissible"', async () => {
    const sim = await simulator(3);
    const as = assessor(sim, 'calibrated');
    let permissible = 0;
    for (const item of ITEMS.filter((i) => !i.bad).slice(0, 10)) {
      const a = await as.assess({ strategy: 'permissibility', fields: item.fields, priority: 'interactive' });
      if (a.verdict !== 'permissible') continue;
      permissible++;
      expect(a.text).not.toMatch(/not permissible/);
      expect(a.text).toMatch(/morally sound/);
    }
    expect(permissible).toBeGreaterThan(5);
  });

  it('prose that still disagrees with the verdict is labelled', async () => {
    // S2 leaning to condemn, S3 to permit: the frames' prose now disagrees with calibrated verdicts.
    const sim = await startOllamaSimulator({ labelled: labelledActions(STORIES), persona: { kind: 'prior', bias: { S3: -4, S2: 4 } } });
    sims.push(sim);
    const as = assessor(sim, 'calibrated');
    const item = ITEMS.find((i) => !i.bad)!;
    const a = await as.assess({ strategy: 'permissibility', fields: item.fields, priority: 'interactive' });
    expect(a.verdict).toBe('permissible');
    expect(a.text.startsWith(DISAGREEING_PROSE_NOTE)).toBe(true);
  });

  it('advise and why: the prose, no verdict turn, whatever the method', async () => {
    const sim = await simulator(2);
    for (const method of ['fast', 'calibrated', 'structured'] as const) {
      const as = assessor(sim, method);
      const before = sim.requestsTo('/v1/chat/completions').length;
      const advice = await as.assess({ strategy: 'guidance', fields: { situation: STORIES[0]!.situation, intent: STORIES[0]!.intention }, priority: 'interactive' });
      expect(advice).toMatchObject({ method: 'prose', score: null, verdict: 'unclear' });
      expect(advice.text).toMatch(/^Recommended Ethical Approach:/);
      const why = await as.assess({ strategy: 'norm-rationale', fields: { situation: STORIES[0]!.situation, norm: STORIES[0]!.norm }, priority: 'interactive' });
      expect(why).toMatchObject({ method: 'prose', norm: STORIES[0]!.norm });
      expect(why.text.length).toBeGreaterThan(50);
      const calls = sim.requestsTo('/v1/chat/completions').slice(before);
      expect(calls).toHaveLength(2);
      expect(calls.every((c) => (c.body as { response_format?: unknown }).response_format === undefined)).toBe(true);
    }
  });
});
