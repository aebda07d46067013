import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from '../fakes/ollama/index.js';

const sims: OllamaSimulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function doctor(options: SimulatorOptions) {
  const sim = await startOllamaSimulator(options);
  sims.push(sim);
  let stdout = '';
  const code = await runCli(['doctor'], {
    env: { OLLAMA_HOST: sim.url, LOG_LEVEL: 'silent' },
    cwd: mkdtempSync(join(tmpdir(), 'ng-doctor-')),
    stdout: (t) => (stdout += t),
    stderr: () => undefined,
  });
  return { code, stdout };
}

describe('normguard doctor on a live model', () => {
  it('a current Ollama with a thinking-capable template: logprobs and thinking control, no warnings', async () => {
    const { code, stdout } = await doctor({});
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ .*supports thinking control \(turned off for audits\); returns token logprobs\n/);
    expect(stdout).toContain('doctor: all good\n');
    expect(stdout).not.toContain('!');
  });

  it('an Ollama without logprobs: says the verdicts fall back and what to upgrade', async () => {
    const { code, stdout } = await doctor({ logprobs: false });
    expect(code).toBe(0);
    expect(stdout).toMatch(/returns no token logprobs\n/);
    expect(stdout).toMatch(/! .*no token logprobs \(Ollama older than 0\.12\.11.*fall back to the two-frame contrast.*Upgrade Ollama to 0\.12\.11 or newer/);
    expect(stdout).toContain('doctor: all good (1 warning(s) above)');
  });

  it('a model without thinking control: says what to change in the Modelfile', async () => {
    const { stdout } = await doctor({ models: [{ name: 'normguard', capabilities: ['completion'] }] });
    expect(stdout).toMatch(/has no thinking control; returns token logprobs/);
    expect(stdout).toMatch(/! .*Qwen3 TEMPLATE that handles thinking, or `PARSER qwen3`/);
  });
});
