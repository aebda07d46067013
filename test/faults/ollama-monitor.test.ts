import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MonitorOutcome } from '../../src/moderation/index.js';
import { startOllamaSimulator, type Fault, type InjectOptions, type OllamaSimulator } from '../fakes/ollama/index.js';
import { type Api, chatMessage, freePort, insults, metric, monitorChannel, PASSIVE_DEADLINE_MS, SLACK_MS, startApi } from './support/harness.js';
import { FaultRecorder } from './support/results.js';

// Passive monitoring while Ollama misbehaves: no message is silently dropped. Each one is
// decided, or failed and counted (activity `failed`), or shed and counted (scheduler and
// /metrics); every case the monitor reports opened can be read back.

const results = new FaultRecorder('ollama-monitor');
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

/** Sends messages at once, as a busy channel does, and checks that every one is accounted for. */
async function burst(a: Api, texts: string[]) {
  const before = await a.core.moderation.activity.counters('g1', 0);
  const outcomes = await Promise.all(texts.map((t) => a.core.moderation.monitor.handle(chatMessage(t))));
  const after = await a.core.moderation.activity.counters('g1', 0);
  const decided = outcomes.filter((o): o is Extract<MonitorOutcome, { kind: 'decided' }> => o.kind === 'decided');
  const failed = outcomes.filter((o): o is Extract<MonitorOutcome, { kind: 'failed' }> => o.kind === 'failed');
  // Nothing silently dropped: every message was decided or failed, and the counters say so.
  expect(decided.length + failed.length).toBe(texts.length);
  expect(after.failed - before.failed).toBe(failed.length);
  expect(after.audited - before.audited).toBe(decided.length);
  let lost = 0;
  for (const o of decided) {
    if (!o.case) continue;
    const stored = await a.core.moderation.cases.get(o.case.id);
    if (stored?.id !== o.case.id) lost++;
  }
  results.add('casesLost', lost);
  expect(lost).toBe(0);
  return { outcomes, decided, failed, cases: decided.filter((o) => o.case).length, codes: [...new Set(failed.map((f) => f.error.code))] };
}

interface Case {
  name: string;
  fault: Fault;
  options?: InjectOptions;
  /** 'failed' with this code, or 'decided'. */
  outcome: { failed: string } | { decided: 'flag' | 'silent' };
}

const CASES: Case[] = [
  { name: 'connection reset on every request', fault: 'unreachable', outcome: { failed: 'MODEL_UNAVAILABLE' } },
  { name: 'dies mid-request, every time', fault: 'die-mid-request', outcome: { failed: 'MODEL_UNAVAILABLE' } },
  { name: 'dies mid-request once', fault: 'die-mid-request', options: { times: 1 }, outcome: { decided: 'flag' } },
  { name: 'hangs', fault: 'hang', outcome: { failed: 'TIMEOUT' } },
  { name: 'HTTP 500 on every request', fault: 'http500', outcome: { failed: 'MODEL_UNAVAILABLE' } },
  { name: 'HTTP 503 (busy) on every request', fault: 'http503', outcome: { failed: 'OVERLOADED' } },
  { name: 'model not installed', fault: 'model-missing', outcome: { failed: 'MODEL_MISSING' } },
  { name: 'malformed JSON verdict', fault: 'malformed-json', outcome: { decided: 'silent' } },
  { name: 'wrongly typed JSON verdict', fault: 'nonsense', outcome: { decided: 'silent' } },
  { name: 'leaked <think> block', fault: 'leak-think', outcome: { decided: 'flag' } },
  { name: 'unterminated <think>, every time', fault: 'leak-think-unterminated', outcome: { failed: 'BAD_OUTPUT' } },
  { name: 'empty answer, every time', fault: 'empty', outcome: { failed: 'BAD_OUTPUT' } },
];

describe('Monitor: passive audits while Ollama misbehaves', () => {
  it.each(CASES)('$name', async ({ name, fault, options, outcome }) => {
    api = await startApi({ OLLAMA_HOST: sim.url });
    await monitorChannel(api.core, 'flag');
    sim.inject(fault, options);
    const started = performance.now();
    const r = await burst(api, insults(3, name));
    expect(performance.now() - started).toBeLessThan(PASSIVE_DEADLINE_MS + SLACK_MS);
    if ('failed' in outcome) {
      expect(r.failed).toHaveLength(3);
      expect(r.codes).toEqual([outcome.failed]);
      results.row('Monitor', name, `3 messages: 3 failed (${outcome.failed}), activity failed +3`);
    } else {
      expect(r.decided).toHaveLength(3);
      expect(r.decided.map((d) => d.policy.decision)).toEqual([outcome.decided, outcome.decided, outcome.decided]);
      if (outcome.decided === 'silent') expect(r.decided.every((d) => d.assessment.verdict === 'unclear')).toBe(true);
      for (const d of r.decided) expect(d.assessment.text).not.toMatch(/<\/?think>/);
      const what = outcome.decided === 'flag' ? `3 flagged, ${r.cases} cases opened and readable` : '3 unclear, recorded silently (activity unclear +3)';
      results.row('Monitor', name, `3 messages: ${what}`);
    }
  });

  it('Ollama not running: every message fails and is counted, fast', async () => {
    api = await startApi({ OLLAMA_HOST: `http://127.0.0.1:${await freePort()}` });
    await monitorChannel(api.core, 'flag');
    const r = await burst(api, insults(4, 'down'));
    expect(r.failed).toHaveLength(4);
    expect(r.codes).toEqual(['MODEL_UNAVAILABLE']);
    results.row('Monitor', 'Ollama not running', '4 messages: 4 failed (MODEL_UNAVAILABLE), activity failed +4');
  });

  it('a full passive queue sheds the oldest work, with a count on the scheduler, in /metrics and in the activity counters', async () => {
    api = await startApi({ OLLAMA_HOST: sim.url, NORMGUARD_SLOTS: '1', NORMGUARD_PASSIVE_QUEUE: '2', NORMGUARD_PASSIVE_DEADLINE_MS: '5000' });
    await monitorChannel(api.core, 'shadow');
    sim.inject({ slowMs: 150 }, { paths: ['/v1/chat/completions'] });
    const r = await burst(api, insults(10, 'flood'));
    const shed = r.failed.filter((f) => f.error.code === 'SHED').length;
    expect(shed).toBeGreaterThan(0);
    expect(r.failed).toHaveLength(shed);
    expect(api.core.inference.scheduler.stats().shed).toBe(shed);
    expect(metric(await api.metrics(), 'normguard_passive_shed_total')).toBe(shed);
    expect(r.failed[0]!.error.message).toBe('passive audit dropped: the queue was full');
    results.row('Monitor', '10 messages at once, 1 slot, queue of 2', 'the oldest waiting audits shed: each one failed as SHED and counted equally in scheduler stats().shed, normguard_passive_shed_total and activity failed');
  });

  it('the prose for a case card times out: the case is still opened, without it', async () => {
    api = await startApi({ OLLAMA_HOST: sim.url, NORMGUARD_PASSIVE_DEADLINE_MS: '1200', NORMGUARD_INTERACTIVE_DEADLINE_MS: '400', NORMGUARD_REQUEST_TIMEOUT_MS: '2000', NORMGUARD_MAX_RETRIES: '0' });
    await monitorChannel(api.core, 'flag');
    // The fast verdict (passive, 1.2 s) survives 0.6 s; the prose (review priority, 0.4 s) does not.
    sim.inject({ slowMs: 600 }, { paths: ['/v1/chat/completions'], times: 2 });
    const r = await burst(api, insults(1, 'no-prose'));
    const opened = r.decided[0]?.case;
    expect(opened).toBeDefined();
    expect(opened!.assessment.text).toBe('');
    expect((await api.core.moderation.cases.get(opened!.id))?.status).toBe('open');
    results.row('Monitor', 'flagged, then the prose turn times out', 'the case is opened without the prose and is readable');
  });

  it('a cold start delays passive audits but loses none', async () => {
    const cold = await startOllamaSimulator({ cold: true, latency: { loadMs: 700 } });
    try {
      api = await startApi({ OLLAMA_HOST: cold.url, NORMGUARD_PASSIVE_DEADLINE_MS: '4000' });
      await monitorChannel(api.core, 'flag');
      const r = await burst(api, insults(3, 'cold'));
      expect(r.decided).toHaveLength(3);
      expect(r.cases).toBe(3);
    } finally {
      await cold.close();
    }
    results.row('Monitor', 'cold start (0.7 s load)', '3 messages wait for the load: 3 flagged, 3 cases opened and readable');
  });
});
