/**
 * Every verdict method against the prior-carrying simulator persona at several bias strengths:
 * precision, recall and unclear share on labelled Moral Stories actions (each story's moral
 * action is permissible, its immoral one impermissible), and model calls per item.
 *
 *   npx tsx test/support/measure-methods.ts [--stories 200] [--biases 0,1.5,3,-1.5,-3] [--no-logprobs]
 *
 * The README's table of methods comes from this command.
 */
import { parseArgs } from 'node:util';
import { Assessor, VERDICT_METHODS, type VerdictMethod } from '../../src/assessment/index.js';
import { Calibrator } from '../../src/calibration/calibrator.js';
import { systemClock } from '../../src/clock.js';
import { createInference } from '../../src/inference/index.js';
import { silentLogger } from '../../src/logger.js';
import { startOllamaSimulator } from '../fakes/ollama/index.js';
import { testConfig } from './config.js';
import { labelledActions, loadMoralStories } from './moral-stories.js';

const { values } = parseArgs({ options: { stories: { type: 'string' }, biases: { type: 'string' }, 'no-logprobs': { type: 'boolean' } } });
const stories = loadMoralStories(Number(values.stories ?? 200));
const biases = (values.biases ?? '0,1.5,3,-1.5,-3').split(',').map(Number);
const items = stories.flatMap((s) => [
  { fields: { situation: s.situation, intention: s.intention, action: s.moral_action }, bad: false },
  { fields: { situation: s.situation, intention: s.intention, action: s.immoral_action }, bad: true },
]);
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');

process.stdout.write(`${items.length} actions (${stories.length} stories)${values['no-logprobs'] ? ', server without logprobs' : ''}\n`);
process.stdout.write('bias  method      precision  recall  unclear  calls/item\n');
for (const bias of biases) {
  const sim = await startOllamaSimulator({ labelled: labelledActions(stories), persona: { kind: 'prior', bias: { S3: bias, S2: -bias } }, logprobs: values['no-logprobs'] !== true });
  const config = testConfig({ OLLAMA_HOST: sim.url, NORMGUARD_SLOTS: '8', NORMGUARD_PASSIVE_QUEUE: '100000', NORMGUARD_PASSIVE_DEADLINE_MS: '600000' });
  const inference = createInference(config, { clock: systemClock, logger: silentLogger() });
  const limits = { maxTokens: 300, verdictMaxTokens: 120 };
  const calibration = new Calibrator({ inference: inference.client, limits, clock: systemClock, logger: silentLogger() });
  await calibration.ensure();
  for (const method of VERDICT_METHODS as readonly VerdictMethod[]) {
    const assessor = new Assessor({ inference: inference.client, method, ...limits, calibration, cacheTtlMs: 0, clock: systemClock, logger: silentLogger() });
    const calls = sim.requests.length;
    const answers = await Promise.all(items.map((i) => assessor.assess({ strategy: 'permissibility', fields: i.fields, priority: 'passive' })));
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let unclear = 0;
    answers.forEach((a, n) => {
      const bad = items[n]!.bad;
      if (a.verdict === 'unclear') unclear++;
      if (a.verdict === 'impermissible') (bad ? tp++ : fp++);
      else if (bad) fn++;
    });
    const row = [String(bias).padEnd(6), method.padEnd(12), fmt(tp / (tp + fp)).padEnd(11), fmt(tp / (tp + fn)).padEnd(8), fmt(unclear / items.length).padEnd(9), ((sim.requests.length - calls) / items.length).toFixed(2)];
    process.stdout.write(`${row.join('')}\n`);
  }
  await sim.close();
}
