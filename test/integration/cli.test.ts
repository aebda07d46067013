import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessmentSchema } from '../../src/assessment/types.js';
import { runCli } from '../../src/cli/index.js';
import { cliCommands } from '../../adapters/cli/index.js';
import { registerCommands } from '../../adapters/index.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/normguard.js');
let sim: OllamaSimulator;
let downUrl: string;
const cwd = mkdtempSync(join(tmpdir(), 'ng-cli-'));

beforeAll(async () => {
  sim = await startOllamaSimulator();
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  downUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new Promise<void>((r) => server.close(() => r()));
});
afterAll(async () => {
  await sim.close();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { OLLAMA_HOST: sim.url, LOG_LEVEL: 'silent', NORMGUARD_INTERACTIVE_DEADLINE_MS: '5000', ...env },
    cwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    commands: async () => cliCommands,
  });
  return { code, stdout, stderr };
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const checkArgs = ['--situation', 'A group chat about a game.', '--intent', 'Tom wants to win the argument.', '--action', 'Tom calls the other player an idiot.'];

describe('normguard CLI', () => {
  it.each([
    ['check', checkArgs, 'permissibility'],
    ['evaluate', checkArgs, 'evaluation'],
    ['advise', ['--situation', 'A new member asks a basic question.', '--intent', 'I want to answer kindly.'], 'guidance'],
    ['why', ['--norm', 'You should not insult people.', '--situation', 'A heated debate in chat.'], 'norm-rationale'],
  ])('%s --json prints a valid Assessment', async (command, args, strategy) => {
    const { code, stdout, stderr } = await cli([command, ...args, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const a = assessmentSchema.parse(JSON.parse(stdout));
    expect(a.strategy).toBe(strategy);
    expect(a.text).not.toMatch(/<think>/);
    expect(a.model).toBe('normguard');
  });

  it('check without --json prints a short readable answer', async () => {
    const { code, stdout } = await cli(['check', ...checkArgs]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Verdict: IMPERMISSIBLE \(severity (low|medium|high)\)\n/);
    expect(stdout).toMatch(/\nScore: [01]\.\d\d \(calibrated probability that it is impermissible\)\n/);
    expect(stdout).toMatch(/Summary: /);
    // The default method since the frame priors (issue 12): calibrated token probabilities.
    expect(stdout).toMatch(/normguard · calibrated · \d+ ms · \d+\+\d+ tokens\n$/);
  });

  it('--method fast answers with the verdict only', async () => {
    const { code, stdout } = await cli(['check', ...checkArgs, '--json', '--method', 'fast']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ method: 'fast', text: '' });
  });

  it('bad input exits 2 naming the flags to fix', async () => {
    const { code, stderr } = await cli(['check', '--situation', 'x']);
    expect(code).toBe(2);
    expect(stderr).toContain('--intent is required');
    expect(stderr).toContain('--action is required');
    expect((await cli(['check', '--bogus', 'x'])).code).toBe(2);
    expect((await cli(['check', ...checkArgs, '--method', 'slow'])).stderr).toContain('--method must be one of calibrated, contrast, structured, fast');
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('each command explains its options and gives an example, from the command registry', async () => {
    for (const command of ['check', 'evaluate', 'advise', 'why']) {
      const { code, stdout } = await cli([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^normguard ${command} — `));
      expect(stdout).toMatch(/--situation TEXT +What is going on: the setting and who is involved \(required, up to 1000 characters\)/);
      expect(stdout).toMatch(new RegExp(`Example:\n  normguard ${command} --`));
    }
    expect((await cli(['check', '--help'])).stdout).toMatch(/-a, --action TEXT +The action to judge/);
    expect((await cli(['help'])).stdout).toMatch(/Each command explains its options with --help, e\.g\. normguard check --help/);
  });

  it('--json reports failures as JSON on stderr: bad input exits 2, an unreachable model 3', async () => {
    const bad = await cli(['check', '--situation', 'x', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'BAD_INPUT', problems: [{ option: 'intent' }, { option: 'action' }] } });
    const down = await cli(['check', ...checkArgs, '--json'], { OLLAMA_HOST: downUrl });
    expect(down.code).toBe(3);
    expect(JSON.parse(down.stderr)).toMatchObject({ error: { code: 'MODEL_UNAVAILABLE' } });
  });

  it('register exits 3 when Discord cannot be reached, like any other unreachable server', async () => {
    let stderr = '';
    const code = await runCli(['register', 'discord'], {
      env: { OLLAMA_HOST: sim.url, LOG_LEVEL: 'silent', DISCORD_TOKEN: 'x.y.z', DISCORD_API_URL: `${downUrl}/api` },
      cwd,
      stdout: () => {},
      stderr: (t) => (stderr += t),
      adapters: { start: async () => [], register: registerCommands },
    });
    expect(stderr).toMatch(/^normguard: register failed: /);
    expect(code).toBe(3);
  });

  it('bad config exits 2 with one line per problem', async () => {
    const { code, stderr } = await cli(['check', ...checkArgs], { NORMGUARD_VERDICT_METHOD: 'slow', NORMGUARD_HTTP_PORT: '99999' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/NORMGUARD_VERDICT_METHOD \(got "slow"\)/);
    expect(stderr).toMatch(/NORMGUARD_HTTP_PORT \(got "99999"\): must be a port number, e\.g\. 8787/);
  });

  it('a missing model exits 3 and says how to create it', async () => {
    const { code, stderr } = await cli(['check', ...checkArgs], { NORMGUARD_MODEL: 'other-model' });
    expect(code).toBe(3);
    expect(stderr).toMatch(/model "other-model" is not installed on .*`ollama create other-model -f ollama\/Modelfile/);
  });

  it('doctor reports a healthy host and the thinking capability', async () => {
    const { code, stdout } = await cli(['doctor']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✓ http:\/\/127\.0\.0\.1:\d+: model "normguard" installed/);
    expect(stdout).toContain('supports thinking control');
    expect(stdout).toContain('doctor: all good');
  });

  it('doctor names what to fix when a host is down or lacks the model', async () => {
    const { code, stdout } = await cli(['doctor'], { OLLAMA_HOST: `${sim.url},${downUrl}`, NORMGUARD_MODEL: 'missing' });
    expect(code).toBe(3);
    expect(stdout).toMatch(/✗ .*model "missing" is not installed/);
    expect(stdout).toMatch(new RegExp(`✗ ${downUrl}: unreachable`));
    expect(stdout).toContain('doctor: 2 problem(s) found');
  });

  it('as a real process: npm run normguard equivalent prints JSON and exits 0', async () => {
    const r = await run(['check', ...checkArgs, '--json'], { OLLAMA_HOST: sim.url });
    expect(r.code).toBe(0);
    expect(assessmentSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
  });

  it('as a real process with Ollama stopped: exits 3 with a clear sentence, well within the deadline', async () => {
    const r = await run(['check', ...checkArgs], { OLLAMA_HOST: downUrl, NORMGUARD_INTERACTIVE_DEADLINE_MS: '8000' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^normguard: model unavailable \\(MODEL_UNAVAILABLE\\): cannot reach Ollama at ${downUrl}`));
    expect(r.stdout).toBe('');
    expect(r.ms).toBeLessThan(8000);
  });
});
