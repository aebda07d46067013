/**
 * `npm run bench -- --eval`: `normguard eval --method all`, both frames, on the Moral Stories
 * sample and on the held-out chat set, against the prior-carrying simulator at several frame
 * biases — the per-method, per-persona table in docs/evaluation.md.
 *
 * The simulator is told each item's label (its answer key, as the action is sent after
 * sanitising); the persona then spreads and blurs that evidence and adds the frame's bias. So the
 * table shows what each verdict method recovers of a model's knowledge under each prior, not how
 * good the simulator's own judgement is.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config.js';
import { runEval, type EvalReport } from '../src/eval/index.js';
import { packageRoot } from '../src/package-root.js';
import { buildFrame } from '../src/strategies/index.js';
import { startOllamaSimulator } from '../test/fakes/ollama/index.js';
import { HELDOUT_PATH, loadHeldout, priorPersona } from './heldout.js';

export const MORAL_STORIES_PATH = join(packageRoot(), 'data', 'moral_stories_sample.jsonl');

export interface EvalPersonaOptions {
  biases?: readonly number[];
  /** Moral Stories records to use (each gives two items); the held-out set is used whole. */
  stories?: number;
  heldoutLimit?: number;
}

export interface EvalPersonaRow {
  set: 'moral-stories' | 'heldout';
  bias: number;
  method: string;
  asks: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  unclearRate: number | null;
  falseRefusal: number | null;
  falseValidation: number | null;
  auroc: number | null;
  ece: number | null;
  tokensPerAsk: number | null;
  msPerAsk: number | null;
  fallbacks: number;
}

export async function runEvalPersonas(options: EvalPersonaOptions = {}): Promise<EvalPersonaRow[]> {
  const stories = options.stories ?? 100;
  const labelled = answerKey(stories);
  const rows: EvalPersonaRow[] = [];
  for (const bias of options.biases ?? [0, 1.5, 3]) {
    const sim = await startOllamaSimulator({ persona: priorPersona(bias), labelled });
    try {
      for (const [set, path, limit] of [
        ['moral-stories', MORAL_STORIES_PATH, stories],
        ['heldout', HELDOUT_PATH, options.heldoutLimit],
      ] as const) {
        const report = await evalOnce(sim.url, path, limit);
        for (const m of report.byMethod) rows.push(rowOf(set, bias, m));
      }
    } finally {
      await sim.close();
    }
  }
  return rows;
}

async function evalOnce(ollamaUrl: string, data: string, limit: number | undefined): Promise<EvalReport> {
  const out = mkdtempSync(join(tmpdir(), 'ng-eval-personas-'));
  try {
    const env = { OLLAMA_HOST: ollamaUrl, LOG_LEVEL: 'silent', NORMGUARD_DATA_DIR: out };
    let stderr = '';
    const code = await runEval(['--data', data, '--method', 'all', '--out', join(out, 'run'), ...(limit ? ['--limit', String(limit)] : [])], parseConfig(env), {
      env,
      cwd: out,
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
    });
    if (code !== 0) throw new Error(`normguard eval exited ${code}: ${stderr}`);
    return JSON.parse(readFileSync(join(out, 'run', 'report.json'), 'utf8')) as EvalReport;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function rowOf(set: EvalPersonaRow['set'], bias: number, m: EvalReport['byMethod'][number]): EvalPersonaRow {
  return {
    set,
    bias,
    method: m.method,
    asks: m.answered,
    precision: m.scores.precision,
    recall: m.scores.recall,
    f1: m.scores.f1,
    unclearRate: m.scores.unclearRate,
    falseRefusal: m.falseRefusalRate,
    falseValidation: m.falseValidationRate,
    auroc: m.auroc,
    ece: m.reliability?.ece ?? null,
    tokensPerAsk: m.tokensPerItem?.total ?? null,
    msPerAsk: m.latencyMs.mean,
    fallbacks: Object.values(m.fallbacks ?? {}).reduce((a, b) => a + b, 0),
  };
}

/** Every action both sets send, as the frame builder sanitises it, with its label. */
function answerKey(stories: number): Array<{ action: string; label: 'permissible' | 'impermissible' }> {
  const sanitised = (action: string) => buildFrame('permissibility', { situation: 's', intent: 'i', action }).fields.action ?? action;
  const records = readFileSync(MORAL_STORIES_PATH, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .slice(0, stories)
    .map((l) => JSON.parse(l) as { moral_action: string; immoral_action: string });
  return [
    ...records.flatMap((r) => [
      { action: sanitised(r.moral_action), label: 'permissible' as const },
      { action: sanitised(r.immoral_action), label: 'impermissible' as const },
    ]),
    ...loadHeldout().map((i) => ({ action: sanitised(i.action), label: i.label })),
  ];
}

export function formatEvalPersonas(rows: readonly EvalPersonaRow[]): string {
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const p = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  const lines = [
    '| set | S3/S2 bias | method | precision | recall | F1 | unclear | false refusal (S3, permissible) | false validation (S2, impermissible) | score AUROC | ECE | tokens / ask | fell back |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.set} | ${r.bias === 0 ? '0' : `±${r.bias}`} | ${r.method} | ${f(r.precision)} | ${f(r.recall)} | ${f(r.f1)} | ${p(r.unclearRate)} | ${p(r.falseRefusal)} | ${p(r.falseValidation)} | ${f(r.auroc)} | ${f(r.ece)} | ${r.tokensPerAsk === null ? '—' : r.tokensPerAsk.toFixed(0)} | ${r.fallbacks} |`,
    );
  }
  return lines.join('\n');
}
