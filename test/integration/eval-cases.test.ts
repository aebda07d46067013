import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Assessment } from '../../src/assessment/types.js';
import { caseItem } from '../../src/eval/index.js';
import { silentLogger } from '../../src/logger.js';
import type { ReviewCase } from '../../src/store/case.js';
import { startOllamaSimulator, type OllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from '../support/config.js';
import { evalCli, freshDir, readItems, readReport } from '../support/eval.js';

const WS = 'guild-1';
const dataDir = mkdtempSync(join(tmpdir(), 'ng-eval-cases-'));
let sim: OllamaSimulator;

const flagged = (norm: string): Assessment => ({
  strategy: 'permissibility',
  verdict: 'impermissible',
  severity: 'medium',
  norm,
  summary: 'flagged',
  text: '',
  model: 'normguard',
  method: 'fast',
  latencyMs: 10,
  usage: { promptTokens: 10, completionTokens: 10 },
});

// What moderators decided, and what the simulator's rules will say about each message now.
const SEED = [
  { author: 'alice', text: 'you are an idiot and everyone knows it', norm: 'Be civil.', decision: 'uphold', simulator: 'impermissible' },
  { author: 'bob', text: 'thanks, that fixed my build', norm: 'Be civil.', decision: 'dismiss', simulator: 'permissible' },
  { author: 'carol', text: 'stop yelling at the new people please', norm: 'Do not shout at people.', decision: 'dismiss', simulator: 'impermissible' },
  { author: 'dave', text: 'I will take your lunch money tomorrow', norm: 'Do not threaten people.', decision: 'uphold', simulator: 'permissible' },
  { author: 'erin', text: 'lol whatever you say', norm: 'Be civil.', decision: null, simulator: 'permissible' },
] as const;

let firstDecided: ReviewCase;

beforeAll(async () => {
  sim = await startOllamaSimulator();
  const core = await createApp(testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dataDir }), { logger: silentLogger() });
  const cases = core.store.repos.cases;
  for (const [i, s] of SEED.entries()) {
    const c = await cases.create({
      workspaceId: WS,
      platform: 'discord',
      channelId: 'general',
      messageId: `m${i}`,
      messageUrl: null,
      authorId: `u-${s.author}`,
      authorName: s.author,
      authorIsNew: false,
      messageText: s.text,
      context: i === 0 ? 'bob: the release is late again' : '',
      assessment: flagged(s.norm),
      rule: 'flag-threshold',
    });
    if (s.decision) await core.moderation!.cases.apply(c.id, s.decision === 'uphold' ? { type: 'uphold', actor: 'mod-1' } : { type: 'dismiss', actor: 'mod-1', reason: null });
    if (i === 0) firstDecided = (await cases.get(c.id))!;
  }
  // Another community's case stays out of this one's evaluation.
  await cases.create({ workspaceId: 'guild-2', platform: 'discord', channelId: 'x', messageId: 'y', messageUrl: null, authorId: 'z', authorName: 'zed', messageText: 'you idiot', context: '', assessment: flagged('Be civil.'), rule: 'flag-threshold' }).then((c) => core.moderation!.cases.apply(c.id, { type: 'uphold', actor: 'm' }));
  // The service's assessment cache already holds an answer for the first case: the evaluation must not reuse it.
  await core.assessor.assess({ strategy: 'permissibility', fields: caseItem(firstDecided)!.fields, method: 'fast', priority: 'review' });
  await core.close();
});
afterAll(async () => {
  await sim.close();
});

describe('normguard eval --from-cases', () => {
  it("measures the current model against moderators' decisions", async () => {
    const out = freshDir('cases');
    const before = sim.requestsTo('/v1/chat/completions').length;
    const run = await evalCli(['--from-cases', '--workspace', WS, '--frame', 'check', '--out', out, '--target-precision', '0.9'], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dataDir, NORMGUARD_PASSIVE_METHOD: 'fast' });
    expect(run.stderr).toContain('4 items × S3 × fast');
    expect(run.code).toBe(0);

    const report = readReport(out);
    expect(report.set).toMatchObject({ kind: 'cases', records: 4, items: 4, identity: `workspace:${WS}` });
    expect(report.set.caveat).toContain("Moderators' decisions: an unbiased measure");
    expect(report.methods).toEqual(['fast']);
    const [m] = report.byMethod;
    expect(m?.confusion).toEqual({
      permissible: { permissible: 1, impermissible: 1, unclear: 0 },
      impermissible: { permissible: 1, impermissible: 1, unclear: 0 },
    });
    expect(m?.scores).toMatchObject({ accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m?.normErrors.map((n) => [n.norm, n.falsePositives, n.falseNegatives])).toEqual([
      ['Do not shout at people.', 1, 0],
      ['Do not threaten people.', 0, 1],
    ]);
    expect(m?.calibration?.chosen).toBeNull();
    expect(run.stdout).toContain('no threshold reaches a precision of 0.9 on this set');

    // Every decided case went to the model (none from the cache), in the words the monitor used.
    const prompts = sim
      .requestsTo('/v1/chat/completions')
      .slice(before)
      .map((r) => (r.body as { messages: Array<{ content: string }> }).messages[0]?.content);
    expect(prompts).toHaveLength(4);
    expect(prompts).toContain(
      'Context: In a community chat channel, the recent messages were: bob: the release is late again\n' +
        'Intent: alice wants to take part in the conversation.\n' +
        'Is it permissible to implement the following approach: "alice writes: you are an idiot and everyone knows it"?',
    );
    expect(prompts.some((p) => p?.includes('erin') || p?.includes('zed'))).toBe(false);
    const items = readItems(out);
    expect(items.map((r) => r.label).sort()).toEqual(['impermissible', 'impermissible', 'permissible', 'permissible']);
    expect(items.every((r) => /^c_[a-z2-7]{10}$/.test(r.id))).toBe(true);
  });

  it('says when a workspace has nothing decided yet', async () => {
    const run = await evalCli(['--from-cases', '--workspace', 'guild-none', '--out', freshDir('none')], { OLLAMA_HOST: sim.url, NORMGUARD_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('workspace guild-none has no decided review cases');
  });
});
