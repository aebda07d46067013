import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createApp, type App } from '../app.js';
import { startBudget } from '../assessment/deadline.js';
import type { VerdictMethod } from '../assessment/types.js';
import type { Config } from '../config.js';
import { describeError, isModelUnavailable } from '../errors.js';
import { parseStories } from '../eval/moral-stories.js';
import { createLogger } from '../logger.js';
import { MORAL_STORIES_SAMPLE } from '../package-root.js';
import { refineFromCases } from './from-cases.js';
import { balancedProbeSet, frameFigures, runFrame, type FrameFigures } from './probe-set.js';
import { probeFrame } from './probes.js';
import { CALIBRATED_FRAMES, DEFAULT_THRESHOLD, type CalibratedFrame, type CalibrationRecord } from './record.js';
import { bestThreshold } from './separation.js';

export interface CalibrateIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const CALIBRATE_USAGE = `normguard calibrate [--stories N] [--probes N] [--concurrency N] [--json]
normguard calibrate --from-cases --workspace ID

Measures how the served model leans in each frame and stores the result under its digest:
  bias                 the frame's lean on content-free probes (logits; + toward refusing)
  false refusals       S3/S2 greedy answers calling a moral action impermissible
  false validations    greedy answers calling an immoral action permissible
  AUROC                how well the calibrated score separates the two (1 perfect, 0.5 chance)
and recommends a verdict method and a score threshold. --from-cases refines the threshold from
moderators' decisions (upheld = impermissible, dismissed = permissible).
`;

const EXIT = { ok: 0, badInput: 2, modelUnavailable: 3 } as const;

interface Options {
  stories: number;
  probes: number;
  concurrency: number;
  json: boolean;
  fromCases: boolean;
  workspace?: string;
}

function parseOptions(args: string[], config: Config): Options | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        stories: { type: 'string' },
        probes: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        'from-cases': { type: 'boolean' },
        workspace: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    return (err as Error).message;
  }
  const int = (name: string, fallback: number, max: number): number | string => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= 1 && n <= max ? n : `--${name} must be a whole number from 1 to ${max} (got "${String(raw)}")`;
  };
  const stories = int('stories', 30, 600);
  const probes = int('probes', 8, 100);
  const concurrency = int('concurrency', Math.max(1, config.NORMGUARD_SLOTS * config.OLLAMA_HOST.length), 64);
  for (const v of [stories, probes, concurrency]) if (typeof v === 'string') return v;
  const fromCases = values['from-cases'] === true;
  const workspace = typeof values.workspace === 'string' ? values.workspace.trim() : undefined;
  if (fromCases && !workspace) return '--from-cases needs --workspace ID (the guild or Slack workspace whose decisions to learn from)';
  if (!fromCases && workspace) return '--workspace only goes with --from-cases';
  return { stories: stories as number, probes: probes as number, concurrency: concurrency as number, json: values.json === true, fromCases, workspace };
}

/** `normguard calibrate`: exit 0 done, 2 bad input, 3 model unavailable. */
export async function runCalibrate(args: string[], config: Config, io: CalibrateIo): Promise<number> {
  const options = parseOptions(args, config);
  if (typeof options === 'string') {
    io.stderr(`normguard calibrate: ${options}\n\n${CALIBRATE_USAGE}`);
    return EXIT.badInput;
  }
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL });
  let core: App;
  try {
    core = await createApp({ ...config, NORMGUARD_CACHE_TTL_MS: 0 }, { logger });
  } catch (err) {
    io.stderr(`normguard calibrate: cannot open the store: ${describeError(err)}\n`);
    return EXIT.badInput;
  }
  try {
    if (options.fromCases) return await refineFromCases(core, options.workspace!, io, options.json);
    return await calibrate(core, options, io);
  } catch (err) {
    io.stderr(`normguard calibrate: ${describeError(err)}\n`);
    return isModelUnavailable(err) ? EXIT.modelUnavailable : EXIT.badInput;
  } finally {
    await core.close();
  }
}

async function calibrate(core: App, options: Options, io: CalibrateIo): Promise<number> {
  const { config, clock } = core;
  const limits = { maxTokens: config.NORMGUARD_MAX_TOKENS, verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS };
  const digest = await core.inference.modelDigest();
  const all = parseStories(await readFile(MORAL_STORIES_SAMPLE, 'utf8'), MORAL_STORIES_SAMPLE);
  // Spread over the whole file rather than its first lines.
  const step = Math.max(1, Math.floor(all.length / options.stories));
  const items = balancedProbeSet(all.filter((_, i) => i % step === 0).slice(0, options.stories));
  const frames: CalibrationRecord['frames'] = {};
  const figures: Partial<Record<CalibratedFrame, FrameFigures>> = {};
  let logprobs = true;
  for (const frame of CALIBRATED_FRAMES) {
    const budget = startBudget(clock, config.NORMGUARD_INTERACTIVE_DEADLINE_MS * 4);
    const probe = await probeFrame(core.inference.client, frame, { count: options.probes, limits, priority: 'review', budget });
    if (!probe.logprobs) logprobs = false;
    const bias = probe.logprobs ? probe.calibration.bias : null;
    const answers = await runFrame(core.inference.client, frame, items, { limits, clock, bias, concurrency: options.concurrency, itemBudgetMs: config.NORMGUARD_INTERACTIVE_DEADLINE_MS });
    const f = frameFigures(answers);
    figures[frame] = f;
    frames[frame] = { bias: bias ?? 0, probes: probe.logprobs ? probe.calibration.probes : 0, falseRefusalRate: f.falseRefusalRate ?? undefined, falseValidationRate: f.falseValidationRate ?? undefined, auroc: f.auroc };
  }
  const choice = logprobs ? bestThreshold(figures.S3?.scored ?? []) : null;
  const s3Auroc = figures.S3?.auroc ?? null;
  const method: VerdictMethod = logprobs && s3Auroc !== null && s3Auroc >= 0.7 ? 'calibrated' : 'contrast';
  const record: CalibrationRecord = {
    model: config.NORMGUARD_MODEL,
    digest,
    measuredAt: clock.now(),
    logprobs,
    frames: logprobs ? frames : {},
    threshold: choice?.threshold ?? DEFAULT_THRESHOLD,
    recommendedMethod: method,
    source: 'labelled',
  };
  if (logprobs) await core.calibration.save(record);
  if (options.json) io.stdout(`${JSON.stringify({ ...record, frames, items: items.length, thresholdChoice: choice }, null, 2)}\n`);
  else io.stdout(formatReport(record, frames, items.length, choice, config.NORMGUARD_VERDICT_METHOD));
  return EXIT.ok;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

function formatReport(
  record: CalibrationRecord,
  frames: CalibrationRecord['frames'],
  items: number,
  choice: ReturnType<typeof bestThreshold>,
  configured: VerdictMethod,
): string {
  const lines = [`model ${record.model} · digest ${record.digest ?? 'unknown'} · ${items} labelled actions (half moral, half immoral) per frame`, ''];
  lines.push('frame  bias (logits)  false refusals  false validations  score AUROC');
  for (const frame of CALIBRATED_FRAMES) {
    const f = frames[frame];
    if (!f) continue;
    const bias = record.logprobs ? `${f.bias >= 0 ? '+' : ''}${f.bias.toFixed(2)}` : 'n/a';
    lines.push(`${frame.padEnd(7)}${bias.padEnd(15)}${pct(f.falseRefusalRate).padEnd(16)}${pct(f.falseValidationRate).padEnd(19)}${f.auroc == null ? '—' : f.auroc.toFixed(3)}`);
  }
  lines.push('');
  if (!record.logprobs) {
    lines.push('The model returned no logprobs: upgrade Ollama to 0.12.11 or newer (and remove any proxy that drops them).');
    lines.push('Until then verdicts use the two-frame contrast. Nothing was stored.');
  } else {
    const at = choice ? ` (precision ${pct(choice.precision)}, recall ${pct(choice.recall)} on this set)` : '';
    lines.push(`recommended: method ${record.recommendedMethod}, score threshold ${record.threshold!.toFixed(3)}${at}`);
    if (record.recommendedMethod !== configured) lines.push(`note: NORMGUARD_VERDICT_METHOD is ${configured}; set it to ${record.recommendedMethod} to follow the recommendation.`);
    lines.push(`stored under this model's digest; the bot uses it from its next start (or its next digest check).`);
  }
  return `${lines.join('\n')}\n`;
}
