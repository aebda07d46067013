import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOllamaSimulator, type Fault, type InjectOptions, type OllamaSimulator } from '../fakes/ollama/index.js';
import { CHECK_ARGS, cli, freePort, INTERACTIVE_DEADLINE_MS, seconds, SLACK_MS } from './support/harness.js';
import { FaultRecorder } from './support/results.js';

// Ollama misbehaving, as a CLI user sees it: `normguard check` answers or exits with a code and
// one clear sentence, always before its deadline (README: exit 0 answered, 3 model unavailable).

const results = new FaultRecorder('ollama-cli');
let sim: OllamaSimulator;

beforeAll(async () => {
  sim = await startOllamaSimulator();
});
beforeEach(() => sim.clearFaults());
afterAll(async () => {
  await sim.close();
  await results.flush();
});

interface Case {
  name: string;
  fault: Fault;
  options?: InjectOptions;
  code: 0 | 3;
  /** What stderr (exit 3) or stdout (exit 0) must say. */
  says: RegExp;
}

const CASES: Case[] = [
  { name: 'connection reset on every request', fault: 'unreachable', code: 3, says: /^normguard: model unavailable \(MODEL_UNAVAILABLE\): cannot reach Ollama at http/ },
  { name: 'dies mid-request, every time', fault: 'die-mid-request', code: 3, says: /^normguard: model unavailable \(MODEL_UNAVAILABLE\): cannot reach Ollama at/ },
  { name: 'dies mid-request once', fault: 'die-mid-request', options: { times: 1 }, code: 0, says: /^Verdict: IMPERMISSIBLE/ },
  { name: 'hangs', fault: 'hang', code: 3, says: /^normguard: model unavailable \(TIMEOUT\): no answer from the model within 1s/ },
  { name: 'answers slower than the deadline', fault: { slowMs: 10_000 }, code: 3, says: /^normguard: model unavailable \(TIMEOUT\)/ },
  { name: 'HTTP 500 on every request', fault: 'http500', code: 3, says: /^normguard: model unavailable \(MODEL_UNAVAILABLE\): Ollama at \S+ failed \(500: / },
  { name: 'HTTP 500 once', fault: 'http500', options: { times: 1, paths: ['/v1/chat/completions'] }, code: 0, says: /^Verdict: IMPERMISSIBLE/ },
  { name: 'HTTP 503 (busy) on every request', fault: 'http503', code: 3, says: /^normguard: model unavailable \(OVERLOADED\): Ollama at \S+ is busy \(503/ },
  { name: 'model not installed', fault: 'model-missing', code: 3, says: /^normguard: model unavailable \(MODEL_MISSING\): model "normguard" is not installed on \S+; create it there with `ollama create normguard/ },
  { name: 'malformed JSON verdict', fault: 'malformed-json', code: 0, says: /^Verdict: UNCLEAR\n[\s\S]*The model’s verdict could not be read/ },
  { name: 'wrongly typed JSON and nonsense prose', fault: 'nonsense', code: 0, says: /^Verdict: UNCLEAR\n/ },
  { name: 'leaked <think> block', fault: 'leak-think', code: 0, says: /^Verdict: IMPERMISSIBLE/ },
  { name: 'unterminated <think>, every time', fault: 'leak-think-unterminated', code: 3, says: /^normguard: BAD_OUTPUT: Ollama at \S+ returned an empty answer \(only thinking\)/ },
  { name: 'unterminated <think> once', fault: 'leak-think-unterminated', options: { times: 1 }, code: 0, says: /^Verdict: IMPERMISSIBLE/ },
  { name: 'empty answer, every time', fault: 'empty', code: 3, says: /^normguard: BAD_OUTPUT: Ollama at \S+ returned an empty answer\n/ },
];

describe('CLI: `normguard check` while Ollama misbehaves', () => {
  it.each(CASES)('$name', async ({ name, fault, options, code, says }) => {
    sim.inject(fault, options);
    const r = await cli(['check', ...CHECK_ARGS], { OLLAMA_HOST: sim.url });
    expect(r.code, r.stderr).toBe(code);
    expect(code === 0 ? r.stdout : r.stderr).toMatch(says);
    if (code === 3) expect(r.stdout).toBe('');
    else expect(r.stderr).toBe('');
    expect(r.stdout + r.stderr).not.toMatch(/<\/?think>|\bat .*\.ts:\d+/);
    expect(r.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);
    const first = (code === 0 ? r.stdout : r.stderr).split('\n')[0]!.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://ollama');
    results.row('CLI', name, `exit ${code}: "${first.length > 120 ? `${first.slice(0, 119)}…` : first}"`);
  });

  it('Ollama not running at all: exit 3 at once, naming the host', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const r = await cli(['check', ...CHECK_ARGS], { OLLAMA_HOST: down });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`normguard: model unavailable (MODEL_UNAVAILABLE): cannot reach Ollama at ${down}\n`);
    expect(r.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);
    results.row('CLI', 'Ollama not running', 'exit 3: "normguard: model unavailable (MODEL_UNAVAILABLE): cannot reach Ollama at http://ollama"');
  });

  it('cold start longer than the deadline: exit 3 within the deadline; once loaded, answers', async () => {
    const cold = await startOllamaSimulator({ cold: true, latency: { loadMs: 1500 } });
    try {
      const r = await cli(['check', ...CHECK_ARGS, '--json'], { OLLAMA_HOST: cold.url });
      expect(r.code).toBe(3);
      // --json: the failure is JSON too, so a script never parses prose.
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'TIMEOUT', message: expect.stringMatching(/^no answer from the model within 1s/) } });
      expect(r.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);
      cold.setLoaded(true);
      const again = await cli(['check', ...CHECK_ARGS, '--json'], { OLLAMA_HOST: cold.url });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'impermissible' });
    } finally {
      await cold.close();
    }
    results.row('CLI', `cold start (${seconds(1500)} load) > deadline`, 'exit 3: "model unavailable (TIMEOUT): no answer from the model within 1s"; answers once loaded');
  });

  it('cold start shorter than the deadline: waits for the load and answers', async () => {
    const cold = await startOllamaSimulator({ cold: true, latency: { loadMs: 600 } });
    try {
      const r = await cli(['check', ...CHECK_ARGS, '--json'], { OLLAMA_HOST: cold.url, NORMGUARD_INTERACTIVE_DEADLINE_MS: '3000', NORMGUARD_COLD_START_TIMEOUT_MS: '3000' });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'impermissible' });
      expect(r.ms).toBeLessThan(3000 + SLACK_MS);
    } finally {
      await cold.close();
    }
    results.row('CLI', `cold start (${seconds(600)} load) < deadline`, 'exit 0: the answer, after the load');
  });

  it('a slow prose turn cannot stretch a structured check past the deadline', async () => {
    // Each turn alone fits the deadline; both together do not. One budget covers the assessment.
    sim.inject({ slowMs: 600 }, { paths: ['/v1/chat/completions'], times: 2 });
    const r = await cli(['check', ...CHECK_ARGS, '--method', 'structured'], { OLLAMA_HOST: sim.url, NORMGUARD_MAX_RETRIES: '0' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^normguard: model unavailable \(TIMEOUT\): no answer from the model within 1s/);
    expect(r.ms).toBeLessThan(INTERACTIVE_DEADLINE_MS + SLACK_MS);
    results.row('CLI', 'two slow turns (0.6 s each, 1 s deadline)', 'exit 3: "model unavailable (TIMEOUT): … within 1s", not after 1.2 s');
  });
});
