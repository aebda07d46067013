/**
 * heldout: the issue's "Done when" measure. The held-out chat-moderation set
 * (data/chat-moderation-heldout.jsonl, written without looking at the simulator's judge) goes
 * through normguard with its DEFAULT configuration, two ways:
 *
 * - `check`: each item as `POST /v1/assess` with strategy `check` (S3), through the product's own
 *   HTTP API (createApp + startService), the verdict as the API returns it;
 * - `passive`: each message through the real Monitor in a monitored channel (flag mode), its
 *   context in the channel's conversation memory first; flagged means the policy decided `flag`.
 *
 * Against the prior-carrying simulator persona at several frame biases (S3 +b, S2 −b logits).
 * Where the simulator's evidence for an item comes from is the `knowledge` option:
 * - `labels`: the set's labels are the simulator's answer key; the persona then puts a
 *   deterministic spread around them (some items genuinely ambiguous) and adds the frame bias.
 *   This measures what normguard adds or loses between a model's knowledge and its verdicts.
 * - `judge`: the simulator's keyword judge alone. It was not written for these messages and
 *   reads most of them wrongly; this row measures the simulator, not normguard.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import type { IncomingMessage } from '../src/moderation/index.js';
import { packageRoot } from '../src/package-root.js';
import { buildFrame } from '../src/strategies/index.js';
import { startOllamaSimulator, type OllamaSimulator, type PersonaSpec } from '../test/fakes/ollama/index.js';
import { createBenchBot, type BenchBot } from './bot.js';

export const HELDOUT_PATH = join(packageRoot(), 'data', 'chat-moderation-heldout.jsonl');

export interface HeldoutItem {
  id: string;
  label: 'permissible' | 'impermissible';
  kind: string;
  situation: string;
  intent: string;
  action: string;
  context: Array<{ author: string; text: string }>;
  author: string;
  message: string;
}

export function loadHeldout(path = HELDOUT_PATH): HeldoutItem[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l, i) => {
      const item = JSON.parse(l) as HeldoutItem;
      for (const key of ['id', 'label', 'situation', 'intent', 'action', 'author', 'message'] as const) {
        if (typeof item[key] !== 'string') throw new Error(`${path} line ${i + 1}: "${key}" is missing`);
      }
      return item;
    });
}

/** The frame biases measured: none, and the issue's 1.5–3 logits. */
export const HELDOUT_BIASES = [0, 1.5, 3] as const;

export function priorPersona(bias: number): PersonaSpec {
  return { kind: 'prior', bias: { S3: bias, S2: -bias } };
}

export interface Quality {
  n: number;
  flagged: number;
  truePositives: number;
  positives: number;
  /** null when nothing was flagged. */
  precision: number | null;
  recall: number | null;
  unclearRate: number;
  failed: number;
}

export interface HeldoutRow {
  bias: number;
  knowledge: 'labels' | 'judge';
  /** False: the simulator behaves like an Ollama before 0.12.11, so normguard falls back to the contrast method. */
  logprobs: boolean;
  surface: 'check' | 'passive';
  /** The verdict method(s) the answers named. */
  methods: string[];
  quality: Quality;
  /**
   * Every `impermissible` verdict counted as a flag, whatever its severity. For `check` this is
   * `quality`; for `passive` it differs where the policy's flag threshold filtered by severity
   * (the simulator grades a prior-driven refusal of a harmless action `low`, a real model need not).
   */
  verdictQuality: Quality;
  /** Misjudged ids by kind of item, to read the errors by. */
  errorsByKind: Record<string, number>;
}

export interface HeldoutOptions {
  biases?: readonly number[];
  knowledge?: ReadonlyArray<'labels' | 'judge'>;
  /** Also measure, with the labels as knowledge, a simulator that returns no logprobs (the fallback). */
  withoutLogprobs?: boolean;
  limit?: number;
  /** Asks in flight at once (the default configuration has 4 slots). */
  concurrency?: number;
}

interface Judged {
  item: HeldoutItem;
  flagged: boolean;
  impermissible: boolean;
  unclear: boolean;
  failed: boolean;
  method: string | null;
}

export async function runHeldout(options: HeldoutOptions = {}): Promise<HeldoutRow[]> {
  const items = loadHeldout().slice(0, options.limit);
  const biases = options.biases ?? HELDOUT_BIASES;
  const runs: Array<{ knowledge: HeldoutRow['knowledge']; logprobs: boolean }> = (options.knowledge ?? ['labels', 'judge']).map((knowledge) => ({ knowledge, logprobs: true }));
  if (options.withoutLogprobs) runs.push({ knowledge: 'labels', logprobs: false });
  const rows: HeldoutRow[] = [];
  for (const { knowledge, logprobs } of runs) {
    for (const bias of biases) {
      const labelled = knowledge === 'labels' ? answerKey(items) : undefined;
      const sim = await startOllamaSimulator({ persona: priorPersona(bias), logprobs, ...(labelled ? { labelled } : {}) });
      try {
        const check = await viaHttp(sim, items, options.concurrency ?? 4);
        rows.push(row(bias, knowledge, logprobs, 'check', check));
        const passive = await viaMonitor(sim, items, options.concurrency ?? 4);
        rows.push(row(bias, knowledge, logprobs, 'passive', passive));
      } finally {
        await sim.close();
      }
    }
  }
  return rows;
}

/** The simulator keys its table on the S3 action as the bot sends it (sanitised), as bench/mix.ts does. */
function answerKey(items: readonly HeldoutItem[]): Array<{ action: string; label: HeldoutItem['label'] }> {
  return items.map((i) => ({ action: buildFrame('permissibility', { situation: i.situation, intent: i.intent, action: i.action }).fields.action ?? i.action, label: i.label }));
}

async function viaHttp(sim: OllamaSimulator, items: readonly HeldoutItem[], concurrency: number): Promise<Judged[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ng-heldout-'));
  // The default configuration: only where Ollama is and where the API listens are set.
  const config = parseConfig({ OLLAMA_HOST: sim.url, NORMGUARD_HTTP_PORT: '0', NORMGUARD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const core = await createApp(config, { logger: silentLogger() });
  const service = await startService(core);
  const base = `http://127.0.0.1:${service.address?.port}`;
  const url = `${base}/v1/assess`;
  try {
    await calibrationSettled(base);
    return await pool(items, concurrency, async (item): Promise<Judged> => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ strategy: 'check', situation: item.situation, intent: item.intent, action: item.action }),
      });
      if (!res.ok) return { item, flagged: false, impermissible: false, unclear: false, failed: true, method: null };
      const a = (await res.json()) as { verdict: string; method: string };
      const impermissible = a.verdict === 'impermissible';
      return { item, flagged: impermissible, impermissible, unclear: a.verdict === 'unclear', failed: false, method: a.method };
    });
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function viaMonitor(sim: OllamaSimulator, items: readonly HeldoutItem[], concurrency: number): Promise<Judged[]> {
  const bot = await createBenchBot({ ollamaUrl: sim.url });
  const at = Date.UTC(2026, 0, 1);
  // One channel per item: the policy's per-channel cooldowns must not hide one item's flag behind another's.
  await bot.repos.settings.update('heldout', (s) => ({
    ...s,
    channels: Object.fromEntries(items.map((i) => [`c-${i.id}`, { mode: 'flag' as const, unclearToReview: false }])),
  }));
  try {
    await warmUp(bot);
    return await pool(items, concurrency, async (item): Promise<Judged> => {
      const channelId = `c-${item.id}`;
      item.context.forEach((c, k) => bot.buffer.push(chatMessage(channelId, `${item.id}-ctx${k}`, c.author, c.text, at + k * 1000)));
      const outcome = await bot.monitor.handle(chatMessage(channelId, item.id, item.author, item.message, at + 60_000));
      if (outcome.kind !== 'decided') return { item, flagged: false, impermissible: false, unclear: false, failed: outcome.kind === 'failed', method: null };
      const { verdict, method } = outcome.assessment;
      return { item, flagged: outcome.policy.decision === 'flag', impermissible: verdict === 'impermissible', unclear: verdict === 'unclear', failed: false, method };
    });
  } finally {
    await bot.kv.close();
  }
}

/**
 * The steady state is measured, not the start-up: until the service's first calibration round
 * ends, verdicts use the contrast method and say so (src/app.ts). /readyz reports the round.
 */
async function calibrationSettled(base: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const body = (await fetch(`${base}/readyz`).then((r) => r.json())) as { verdicts?: { calibration?: { state?: string } } };
    if (body.verdicts?.calibration?.state !== 'pending') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not finish calibrating within 30 s');
}

/** The bench bot calibrates on first use: one audit until the lean is measured (or found unmeasurable). */
async function warmUp(bot: BenchBot): Promise<void> {
  const fields = { situation: 'ann is posting in a community chat channel.', intent: 'ann wants to take part in the conversation.', action: 'ann writes: good morning everyone' };
  for (let i = 0; i < 300; i++) {
    const a = await bot.assessor.assess({ strategy: 'permissibility', fields, priority: 'passive', cache: false });
    if (!/still being measured/.test(a.fallback ?? '')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the bench bot did not finish calibrating within 30 s');
}

function chatMessage(channelId: string, messageId: string, author: string, text: string, createdAt: number): IncomingMessage {
  return {
    platform: 'discord',
    workspaceId: 'heldout',
    channelId,
    messageId,
    author: { id: `u-${author}`, name: author, isBot: false, isWebhook: false, roleIds: [], isNew: false },
    text,
    createdAt,
    replyTo: null,
    attachments: 0,
    url: null,
  };
}

function row(bias: number, knowledge: HeldoutRow['knowledge'], logprobs: boolean, surface: HeldoutRow['surface'], judged: readonly Judged[]): HeldoutRow {
  const errorsByKind: Record<string, number> = {};
  for (const j of judged) {
    if (j.flagged !== (j.item.label === 'impermissible')) errorsByKind[j.item.kind] = (errorsByKind[j.item.kind] ?? 0) + 1;
  }
  return {
    bias,
    knowledge,
    logprobs,
    surface,
    methods: [...new Set(judged.flatMap((j) => (j.method ? [j.method] : [])))].sort(),
    quality: quality(judged),
    verdictQuality: quality(judged.map((j) => ({ ...j, flagged: j.impermissible }))),
    errorsByKind,
  };
}

export function quality(judged: ReadonlyArray<Pick<Judged, 'flagged' | 'unclear' | 'failed'> & { item: Pick<HeldoutItem, 'label'> }>): Quality {
  const positives = judged.filter((j) => j.item.label === 'impermissible').length;
  const flagged = judged.filter((j) => j.flagged).length;
  const tp = judged.filter((j) => j.flagged && j.item.label === 'impermissible').length;
  return {
    n: judged.length,
    flagged,
    truePositives: tp,
    positives,
    precision: flagged === 0 ? null : tp / flagged,
    recall: positives === 0 ? null : tp / positives,
    unclearRate: judged.length === 0 ? 0 : judged.filter((j) => j.unclear).length / judged.length,
    failed: judged.filter((j) => j.failed).length,
  };
}

/** The Done-when bar: precision ≥ 0.85, recall ≥ 0.70, unclear ≤ 25%. */
export function meetsDoneWhen(q: Quality): boolean {
  return (q.precision ?? 0) >= 0.85 && (q.recall ?? 0) >= 0.7 && q.unclearRate <= 0.25 && q.failed === 0;
}

async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
    }),
  );
  return out;
}

export function formatHeldout(rows: readonly HeldoutRow[]): string {
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const lines = ['knowledge       bias  surface    method                  n  flagged  precision  recall  unclear  done-when  (any severity: P / R)'];
  for (const r of rows) {
    const q = r.quality;
    const v = r.verdictQuality;
    lines.push(
      `${`${r.knowledge}${r.logprobs ? '' : ' (no lp)'}`.padEnd(14)}  ${String(r.bias).padStart(4)}  ${r.surface.padEnd(9)}  ${(r.methods.join('+') || '—').padEnd(20)}  ${String(q.n).padStart(4)}  ${String(q.flagged).padStart(7)}  ${f(q.precision).padStart(9)}  ${f(q.recall).padStart(6)}  ${`${(q.unclearRate * 100).toFixed(1)}%`.padStart(7)}  ${(meetsDoneWhen(q) ? 'met' : 'NOT met').padEnd(9)}  ${f(v.precision)} / ${f(v.recall)}`,
    );
  }
  return lines.join('\n');
}
