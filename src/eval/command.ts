import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createApp, createEngine, type App, type Engine } from '../app.js';
import { verdictMethodSchema, type VerdictMethod } from '../assessment/types.js';
import { secretsOf, type Config } from '../config.js';
import { MODEL_UNAVAILABLE_CODES, NormguardError } from '../errors.js';
import { createLogger } from '../logger.js';
import { MORAL_STORIES_SAMPLE } from '../package-root.js';
import { parseEvalArgs, type EvalOptions } from './args.js';
import { casesSet } from './cases.js';
import { renderHtml } from './html.js';
import { probeModel } from './model-identity.js';
import { loadDataSet } from './moral-stories.js';
import { Progress } from './progress.js';
import { buildReport } from './report.js';
import { appendResult, openRunDir, REPORT_HTML_FILE, REPORT_JSON_FILE } from './run-dir.js';
import { runTasks, type EvalTask } from './runner.js';
import { formatTable } from './table.js';
import { FRAME_IDS, resultKey, type EvalFrame, type EvalSet, type ItemResult, type RunManifest } from './types.js';

/** The slice of the CLI's IO that `normguard eval` uses. */
export interface EvalIo {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves on SIGINT/SIGTERM: stop, keep what is finished, say how to continue. */
  stopSignal?: Promise<void>;
  /** How often progress is printed (PROGRESS_EVERY_MS unless a test wants it sooner). */
  progressEveryMs?: number;
}

export const EVAL_EXIT = { ok: 0, badInput: 2, modelUnavailable: 3, interrupted: 130 } as const;

/** The Moral Stories sample bundled in the repository (data/README.md). */
export const DEFAULT_DATA_PATH = MORAL_STORIES_SAMPLE;

export const EVAL_USAGE = `usage: normguard eval [--data FILE | --from-cases --workspace ID] [--frame check|evaluate|both]
                      [--method ${verdictMethodSchema.options.join('|')}|both|all] [--limit N] [--concurrency N]
                      [--out DIR] [--target-precision P]
`;

/** `normguard eval`: runs a labelled set through the configured model and writes the report. */
export async function runEval(args: string[], config: Config, io: EvalIo): Promise<number> {
  let options: EvalOptions;
  try {
    options = parseEvalArgs(args);
  } catch (err) {
    io.stderr(`normguard eval: ${(err as Error).message}\n${EVAL_USAGE}`);
    return EVAL_EXIT.badInput;
  }
  // A batch job logs only problems unless asked: failures are in items.jsonl and the report.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL, secrets: secretsOf(config, io.env) });
  let core: Engine | null = null;
  try {
    let set: EvalSet;
    if (options.source.kind === 'moral-stories') {
      set = await loadDataSet(dataPath(options.source.dataPath, io.cwd), options.limit);
      core = createEngine(config, { logger, awaitCalibration: true });
    } else {
      // Answers must come from the model, not from the assessment cache the service filled.
      const app: App = await createApp({ ...config, NORMGUARD_CACHE_TTL_MS: 0 }, { logger, awaitCalibration: true }).catch((err: unknown) => {
        throw new NormguardError('BAD_INPUT', `cannot open the store to read the review cases: ${(err as Error).message}`);
      });
      core = app;
      set = await loadCases(app, options.source.workspaceId, options.limit);
    }
    return await evaluate(core, set, options, config, io);
  } catch (err) {
    if (err instanceof NormguardError && (err.code === 'BAD_INPUT' || err.code === 'STORE')) {
      io.stderr(`normguard eval: ${err.message}\n`);
      return EVAL_EXIT.badInput;
    }
    throw err;
  } finally {
    await core?.close();
  }
}

function dataPath(given: string | undefined, cwd: string): string {
  if (given !== undefined) return resolve(cwd, given);
  if (existsSync(DEFAULT_DATA_PATH)) return DEFAULT_DATA_PATH;
  throw new NormguardError(
    'BAD_INPUT',
    `no data set: the default ${DEFAULT_DATA_PATH} is not there. Pass --data FILE (Moral Stories JSON Lines) or --from-cases --workspace ID.`,
  );
}

async function loadCases(core: App, workspaceId: string, limit: number | undefined): Promise<EvalSet> {
  const cases = await core.store.repos.cases.listByWorkspace(workspaceId, { limit: Number.MAX_SAFE_INTEGER });
  const set = casesSet(workspaceId, cases, limit);
  if (set.items.length === 0) {
    throw new NormguardError(
      'BAD_INPUT',
      `workspace ${workspaceId} has no decided review cases (${cases.length} case(s), none upheld or dismissed); nothing to evaluate yet`,
    );
  }
  return set;
}

async function evaluate(core: Engine, set: EvalSet, options: EvalOptions, config: Config, io: EvalIo): Promise<number> {
  const methods: VerdictMethod[] = options.methods ?? [set.kind === 'cases' ? config.NORMGUARD_PASSIVE_METHOD : config.NORMGUARD_VERDICT_METHOD];
  const { frames } = options;
  const concurrency = options.concurrency ?? config.NORMGUARD_SLOTS * config.OLLAMA_HOST.length;
  const outDir = resolve(io.cwd, options.outDir ?? join('eval-out', timestamp(new Date(core.clock.now()))));
  const manifest: RunManifest = {
    version: 2,
    set: { kind: set.kind, identity: set.identity, description: set.description },
    frames,
    methods,
    model: config.NORMGUARD_MODEL,
    createdAt: core.clock.now(),
  };
  const run = await openRunDir(outDir, manifest);
  const model = await probeModel(config.OLLAMA_HOST, config.NORMGUARD_MODEL);
  const results = new Map<string, ItemResult>(run.finished);
  const tasks = pendingTasks(set, frames, methods, results);
  const total = set.items.length * frames.length * methods.length;
  const resumedNote = run.resumed ? ` (continuing: ${total - tasks.length} done${run.retried > 0 ? `, ${run.retried} failed before and retried` : ''})` : '';
  io.stderr(
    `normguard eval: ${set.items.length} items × ${frames.map((f) => FRAME_IDS[f]).join(' + ')} × ${methods.join(' + ')}, ${tasks.length} to run${resumedNote}; ` +
      `model ${model.name}${model.simulator ? ' (the Ollama SIMULATOR, not a real model)' : ''}; writing to ${outDir}\n`,
  );

  const stop = new AbortController();
  void io.stopSignal?.then(() => stop.abort());
  let failedNow = 0;
  let unavailableNow = 0;
  let lastError: ItemResult['error'];
  let recorded = 0;
  const progress = new Progress({ total: tasks.length, clock: core.clock, write: io.stderr, everyMs: io.progressEveryMs });
  progress.start();
  const outcome = await runTasks(tasks, {
    assess: (request) => core.assessor.assess(request),
    concurrency,
    deadlineMs: config.NORMGUARD_PASSIVE_DEADLINE_MS,
    clock: core.clock,
    signal: stop.signal,
    onResult: (result) => {
      appendResult(outDir, result);
      results.set(resultKey(result.id, result.frame, result.method), result);
      recorded++;
      progress.record(result.error !== undefined);
      if (result.error) {
        failedNow++;
        lastError = result.error;
        if ((MODEL_UNAVAILABLE_CODES as ReadonlySet<string>).has(result.error.code)) unavailableNow++;
      }
    },
  }).finally(() => progress.stop());
  if (tasks.length > 0) io.stderr(progress.line());

  const report = buildReport({ set, model, frames, methods, concurrency, outDir, results, targetPrecision: options.targetPrecision, now: new Date(core.clock.now()) });
  await writeFile(join(outDir, REPORT_JSON_FILE), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, REPORT_HTML_FILE), renderHtml(report));
  io.stdout(formatTable(report));
  io.stdout(`\nreport: ${join(outDir, REPORT_JSON_FILE)}\n        ${join(outDir, REPORT_HTML_FILE)}\n`);

  if (outcome.interrupted) {
    io.stderr(`normguard eval: interrupted after ${recorded} of ${tasks.length}; run the same command with --out ${outDir} to continue\n`);
    return EVAL_EXIT.interrupted;
  }
  if (outcome.recorded > 0 && unavailableNow === outcome.recorded) {
    io.stderr(
      `normguard eval: the model was unavailable for every item (${lastError?.code}: ${lastError?.message}); nothing was measured. ` +
        `Run \`normguard doctor\`, then the same command with --out ${outDir} to retry.\n`,
    );
    return EVAL_EXIT.modelUnavailable;
  }
  if (failedNow > 0) io.stderr(`normguard eval: ${failedNow} item(s) failed and are recorded with their error; the same command with --out ${outDir} retries only them\n`);
  return EVAL_EXIT.ok;
}

/** Every (item, frame, method) without a finished answer; a case re-decided since the last run has a new label, so it is asked again. */
function pendingTasks(set: EvalSet, frames: readonly EvalFrame[], methods: readonly VerdictMethod[], results: ReadonlyMap<string, ItemResult>): EvalTask[] {
  const tasks: EvalTask[] = [];
  for (const item of set.items) {
    for (const frame of frames) {
      for (const method of methods) {
        const done = results.get(resultKey(item.id, frame, method));
        if (done === undefined || done.label !== item.label) tasks.push({ item, frame, method });
      }
    }
  }
  return tasks;
}

/** A directory name that sorts by time and is valid on every file system. */
function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}
