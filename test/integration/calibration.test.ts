import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { startService } from '../../src/service.js';
import { Calibrator } from '../../src/calibration/calibrator.js';
import { calibrationRecordSchema } from '../../src/calibration/record.js';
import { CalibrationStore } from '../../src/calibration/store.js';
import { runCli } from '../../src/cli/index.js';
import { systemClock } from '../../src/clock.js';
import { createInference } from '../../src/inference/index.js';
import { silentLogger } from '../../src/logger.js';
import { openStore, type KvStore } from '../../src/store/index.js';
import { DEFAULT_PRIOR, startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';
import { labelledActions, loadMoralStories } from '../support/moral-stories.js';

const sims: OllamaSimulator[] = [];
const stores: KvStore[] = [];
afterAll(async () => {
  await Promise.all([...sims.map((s) => s.close()), ...stores.map((s) => s.close())]);
});

async function simulator(options: SimulatorOptions = {}): Promise<OllamaSimulator> {
  const sim = await startOllamaSimulator({ persona: { kind: 'prior', bias: { S3: 2, S2: -2 } }, ...options });
  sims.push(sim);
  return sim;
}

async function sqlite(dir = mkdtempSync(join(tmpdir(), 'ng-calibration-'))): Promise<{ kv: KvStore; dir: string }> {
  const kv = await openStore({ dataDir: dir });
  stores.push(kv);
  return { kv, dir };
}

function calibrator(sim: OllamaSimulator, kv: KvStore | null, recheckMs?: number): Calibrator {
  const config = testConfig({ OLLAMA_HOST: sim.url });
  const inference = createInference(config, { clock: systemClock, logger: silentLogger() });
  return new Calibrator({
    inference: inference.client,
    limits: { maxTokens: 200, verdictMaxTokens: 120 },
    clock: systemClock,
    logger: silentLogger(),
    store: kv ? new CalibrationStore(kv, silentLogger()) : null,
    digest: () => inference.modelDigest(),
    ...(recheckMs !== undefined ? { recheckMs } : {}),
  });
}

const probeCalls = (sim: OllamaSimulator) => sim.requestsTo('/v1/chat/completions').length;

describe('calibration per model digest', () => {
  it('measures each frame’s lean with a handful of content-free probes and stores it under the digest', async () => {
    const sim = await simulator({ models: [{ name: 'normguard', capabilities: ['completion', 'thinking'], digest: 'sha256-aaa' }] });
    const { kv } = await sqlite();
    const c = calibrator(sim, kv);
    expect(c.status().state).toBe('pending');
    const record = await c.ensure();
    expect(probeCalls(sim)).toBe(6); // 3 probes in each of S2 and S3
    expect(record).toMatchObject({ digest: 'sha256-aaa', logprobs: true, source: 'probes' });
    // The probes see the bias plus the content-free shift the persona adds (calibration's known imperfection).
    expect(record!.frames.S3!.bias).toBeCloseTo(2 + DEFAULT_PRIOR.probeShift, 6);
    expect(record!.frames.S2!.bias).toBeCloseTo(-2 + DEFAULT_PRIOR.probeShift, 6);
    const stored = calibrationRecordSchema.parse(await kv.get(CalibrationStore.key('normguard', 'sha256-aaa')));
    expect(stored.frames.S3!.bias).toBeCloseTo(record!.frames.S3!.bias, 9);
    expect(c.status()).toMatchObject({ state: 'calibrated', digest: 'sha256-aaa', bias: { S3: expect.any(Number), S2: expect.any(Number) } });
    // Every probe asked for logprobs and named no real action.
    for (const r of sim.requestsTo('/v1/chat/completions')) {
      const body = r.body as { logprobs?: boolean; top_logprobs?: number; messages: Array<{ content: string }> };
      expect(body).toMatchObject({ logprobs: true, top_logprobs: 20 });
      expect(body.messages[0]!.content).toMatch(/(N\/A|\[MASK\]|None|\.\.\.)"\?$/);
    }
  });

  it('a restart reuses the stored calibration; a new digest is measured afresh, the old one kept', async () => {
    const { kv } = await sqlite();
    const sim = await simulator({ models: [{ name: 'normguard', capabilities: ['completion', 'thinking'], digest: 'sha256-one' }] });
    await calibrator(sim, kv).ensure();
    const after = probeCalls(sim);
    const restarted = calibrator(sim, kv);
    expect(await restarted.ensure()).toMatchObject({ digest: 'sha256-one' });
    expect(probeCalls(sim)).toBe(after);

    // Re-created model, same name: the running calibrator notices at its next digest check.
    const running = calibrator(sim, kv, 0);
    await running.ensure();
    sim.setDigest('normguard', 'sha256-two');
    const fresh = await running.ensure();
    expect(fresh).toMatchObject({ digest: 'sha256-two' });
    expect(probeCalls(sim)).toBe(after + 6);
    expect(await kv.get(CalibrationStore.key('normguard', 'sha256-one'))).toBeDefined();
    expect(await kv.get(CalibrationStore.key('normguard', 'sha256-two'))).toBeDefined();
  });

  it('an Ollama without logprobs is not calibrated, not stored, and says why', async () => {
    const { kv } = await sqlite();
    const sim = await simulator({ logprobs: false });
    const c = calibrator(sim, kv);
    const record = await c.ensure();
    expect(record).toMatchObject({ logprobs: false });
    expect(await c.bias('S3')).toBeNull();
    expect(c.status()).toMatchObject({ state: 'no-logprobs', detail: 'no logprobs' });
    const digest = await createInference(testConfig({ OLLAMA_HOST: sim.url }), { clock: systemClock, logger: silentLogger() }).modelDigest();
    expect(await kv.get(CalibrationStore.key('normguard', digest))).toBeUndefined();
  });

  it('an unreachable model leaves calibration failed, without throwing', async () => {
    const sim = await simulator();
    sim.inject('unreachable');
    const c = calibrator(sim, null);
    expect(await c.ensure()).toBeNull();
    expect(await c.bias('S2')).toBeNull();
    expect(c.status().state).toBe('failed');
  });
});

describe('/readyz says how verdicts are made', () => {
  it('without logprobs: the fallback to the contrast, and why', async () => {
    const sim = await simulator({ logprobs: false });
    const core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_HTTP_PORT: '0', NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-readyz-')) }), { logger: silentLogger() });
    const service = await startService(core);
    try {
      await core.calibration.ensure();
      const res = await fetch(`http://127.0.0.1:${service.address!.port}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        ready: true,
        backends: [{ logprobs: 'unsupported' }],
        verdicts: { method: 'calibrated', calibration: { state: 'no-logprobs' }, fallback: expect.stringContaining('Ollama 0.12.11 or newer') },
      });
    } finally {
      await service.stop();
    }
  });
});

describe('normguard calibrate', () => {
  const stories = loadMoralStories(600);

  async function cli(args: string[], env: Record<string, string>) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['calibrate', ...args], {
      env: { LOG_LEVEL: 'silent', NORMGUARD_SLOTS: '4', ...env },
      cwd: mkdtempSync(join(tmpdir(), 'ng-calibrate-cwd-')),
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    return { code, stdout, stderr };
  }

  it('prints each frame’s bias, false refusals, false validations and AUROC, recommends, and stores it', async () => {
    const sim = await simulator({ labelled: labelledActions(stories), persona: { kind: 'prior', bias: { S3: 3, S2: -3 } } });
    const dir = mkdtempSync(join(tmpdir(), 'ng-calibrate-'));
    const run = await cli(['--stories', '20', '--probes', '4'], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/40 labelled actions/);
    const s3 = /\nS3\s+\+(\d\.\d\d)\s+(\d+\.\d)%\s+(\d+\.\d)%\s+(0\.\d{3}|1\.000)/.exec(run.stdout);
    const s2 = /\nS2\s+-(\d\.\d\d)\s+(\d+\.\d)%\s+(\d+\.\d)%\s+(0\.\d{3}|1\.000)/.exec(run.stdout);
    expect(s3, run.stdout).not.toBeNull();
    expect(s2, run.stdout).not.toBeNull();
    expect(Number(s3![1])).toBeCloseTo(3 + DEFAULT_PRIOR.probeShift, 1);
    expect(Number(s3![2])).toBeGreaterThan(50); // S3 refuses most moral actions
    expect(Number(s2![3])).toBeGreaterThan(50); // S2 validates most immoral ones
    expect(Number(s3![4])).toBeGreaterThan(0.85);
    expect(run.stdout).toMatch(/recommended: method calibrated, score threshold 0\.\d{3}/);

    const core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dir }), { logger: silentLogger() });
    try {
      const record = await core.calibration.ensure();
      expect(record).toMatchObject({ source: 'labelled', recommendedMethod: 'calibrated', frames: { S3: { falseRefusalRate: expect.any(Number), auroc: expect.any(Number) } } });
      expect(core.calibration.threshold()).toBe(record!.threshold);
    } finally {
      await core.close();
    }
  });

  it('without logprobs recommends the contrast and stores nothing', async () => {
    const sim = await simulator({ labelled: labelledActions(stories), logprobs: false });
    const run = await cli(['--stories', '5', '--probes', '2'], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-calibrate-')) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The model returned no logprobs: upgrade Ollama to 0.12.11 or newer');
  });

  it('--from-cases moves the threshold to where the moderators’ decisions put it', async () => {
    const sim = await simulator();
    const dir = mkdtempSync(join(tmpdir(), 'ng-calibrate-cases-'));
    const core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dir }), { logger: silentLogger() });
    // Moderators upheld everything scored 0.8 or more and dismissed the rest.
    const scores = [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 0.58];
    try {
      for (const [i, score] of scores.entries()) {
        const c = await core.store.repos.cases.create({
          workspaceId: 'g-cal',
          platform: 'discord',
          channelId: 'c',
          messageId: `m${i}`,
          messageUrl: null,
          authorId: `u${i}`,
          authorName: `u${i}`,
          authorIsNew: false,
          messageText: `message ${i}`,
          context: '',
          assessment: { strategy: 'permissibility', verdict: 'impermissible', severity: 'medium', norm: null, summary: '', text: '', model: 'normguard', method: 'calibrated', score, latencyMs: 1, usage: { promptTokens: 1, completionTokens: 1 } },
          rule: 'flag-threshold',
        });
        await core.moderation.cases.apply(c.id, score >= 0.8 ? { type: 'uphold', actor: 'mod' } : { type: 'dismiss', actor: 'mod', reason: null });
      }
    } finally {
      await core.close();
    }
    const run = await cli(['--from-cases', '--workspace', 'g-cal'], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/12 decided cases \(6 upheld\)/);
    expect(run.stdout).toMatch(/threshold 0\.500 → 0\.775: precision 50\.0% → 100\.0%, recall 100\.0% → 100\.0%/);
    const again = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dir }), { logger: silentLogger() });
    try {
      expect(await again.calibration.ensure()).toMatchObject({ source: 'cases', threshold: 0.775 });
    } finally {
      await again.close();
    }
    const few = await cli(['--from-cases', '--workspace', 'g-nobody'], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dir });
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('at least 10, with both outcomes, are needed');
  });

  it('bad flags exit 2 with the reason; an unreachable model exits 3', async () => {
    const sim = await simulator();
    for (const [args, says] of [
      [['--stories', '0'], '--stories must be a whole number from 1 to 600'],
      [['--bogus'], "Unknown option '--bogus'"],
      [['--from-cases'], '--from-cases needs --workspace ID'],
      [['--workspace', 'g1'], '--workspace only goes with --from-cases'],
    ] as const) {
      const run = await cli([...args], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-calibrate-')) });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(says);
    }
    const down = await simulator();
    down.inject('unreachable');
    const run = await cli(['--stories', '2', '--probes', '1'], { OLLAMA_HOST: down.url, NORMGUARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ng-calibrate-')), NORMGUARD_MAX_RETRIES: '0' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cannot reach Ollama/);
  });
});
