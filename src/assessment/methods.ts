import type { FrameBiasSource } from '../calibration/calibrator.js';
import type { Completion } from '../inference/types.js';
import type { Logger } from '../logger.js';
import { buildFrame, type Frame, type FrameLabels } from '../strategies/index.js';
import { contrastVerdict } from './contrast.js';
import { readVerdictProbabilities, sigmoid } from './label-probabilities.js';
import type { ModelTurns } from './turns.js';
import type { AssessmentMethod, Severity, Verdict } from './types.js';
import { consistentSeverity, parseVerdict, type ParsedVerdict } from './verdict.js';

export interface MethodContext {
  turns: ModelTurns;
  calibration: FrameBiasSource;
  labels: FrameLabels;
  logger: Logger;
  /** Half-width of the band around the threshold where the calibrated score says `unclear`. */
  margin: number;
  /** One-shot callers (CLI, eval) wait for a first calibration; the service never does. */
  awaitCalibration: boolean;
}

/** A verdict with what it cost; the assessor turns it into an Assessment. */
export interface Verdicting {
  verdict: Verdict;
  severity: Severity;
  norm: string | null;
  summary: string;
  score: number | null;
  method: AssessmentMethod;
  fallback?: string;
  raw?: string;
  text: string;
  turns: Completion[];
}

function fromParsed(parsed: ParsedVerdict, method: AssessmentMethod, turns: Completion[], text = ''): Verdicting {
  return {
    verdict: parsed.verdict,
    severity: parsed.severity,
    norm: parsed.norm,
    summary: parsed.summary,
    score: null,
    method,
    text,
    turns,
    ...(parsed.raw !== undefined ? { raw: parsed.raw } : {}),
  };
}

/** S1 and S4 name no action: their answer is the prose itself, with no verdict turn. */
export async function proseOnly(ctx: MethodContext, frame: Frame): Promise<Verdicting> {
  const prose = await ctx.turns.prose(frame);
  const norm = frame.strategy === 'norm-rationale' ? (frame.fields.norm ?? null) : null;
  return { verdict: 'unclear', severity: 'none', norm, summary: '', score: null, method: 'prose', text: prose.content, turns: [prose] };
}

/** The frame straight into the schema, greedy: cheap, but it carries the frame's trained lean. */
export async function fast(ctx: MethodContext, frame: Frame): Promise<Verdicting> {
  const turn = await ctx.turns.verdict(frame, false);
  return fromParsed(parseVerdict(turn.content), 'fast', [turn]);
}

/** Prose, then a verdict turn that summarises it: the verdict inherits the prose's lean. */
export async function structured(ctx: MethodContext, frame: Frame): Promise<Verdicting> {
  const prose = await ctx.turns.prose(frame);
  const turn = await ctx.turns.followUp(frame, prose.content);
  return fromParsed(parseVerdict(turn.content), 'structured', [prose, turn], prose.content);
}

export function frameIn(frame: Frame, strategy: 'evaluation' | 'permissibility', labels: FrameLabels): Frame {
  return frame.strategy === strategy ? frame : buildFrame(strategy, frame.fields, labels);
}

/** S3 and S2 on the same action, read against their leans (contrast.ts). */
export async function contrast(ctx: MethodContext, frame: Frame, already?: Completion, fallback?: string): Promise<Verdicting> {
  const s3 = frameIn(frame, 'permissibility', ctx.labels);
  const s2 = frameIn(frame, 'evaluation', ctx.labels);
  const mine = (f: Frame) => (already && f === frame ? Promise.resolve(already) : ctx.turns.verdict(f, false));
  const [a3, a2] = await Promise.all([mine(s3), mine(s2)]);
  const v3 = parseVerdict(a3.content);
  const v2 = parseVerdict(a2.content);
  const { verdict, rule } = contrastVerdict(v3.verdict, v2.verdict);
  // The answer that condemned supplies the harm; S2's condemnation is the stronger one.
  const source = v2.verdict === 'impermissible' ? v2 : v3.verdict === 'impermissible' ? v3 : v2.verdict === 'permissible' ? v2 : v3;
  // An unclear verdict keeps whatever output could not be read, for operators.
  const raw = verdict === 'unclear' ? (v3.raw ?? v2.raw) : undefined;
  return {
    verdict,
    severity: consistentSeverity(verdict, source.verdict === 'impermissible' ? source.severity : undefined),
    norm: source.norm,
    summary: verdict === source.verdict && source.summary ? source.summary : `Unclear: ${rule}.`,
    score: null,
    method: 'contrast',
    text: '',
    turns: [a3, a2],
    ...(fallback ? { fallback } : {}),
    ...(raw !== undefined ? { raw } : {}),
  };
}

/**
 * P(impermissible) from the verdict token's logprobs, renormalised over the allowed labels,
 * with the frame's measured lean subtracted in logit space (contextual calibration). Without
 * usable logprobs or a measured lean it falls back to the contrast, saying why.
 */
export async function calibrated(ctx: MethodContext, frame: Frame): Promise<Verdicting> {
  const first = await scoredTurn(ctx, frame);
  const greedy = parseVerdict(first.turn.content);
  // A garbled answer is unclear with its raw text kept, whatever its token numbers say.
  if (greedy.raw !== undefined) return fromParsed(greedy, 'calibrated', [first.turn]);
  if (!first.ok) {
    // A server without logprobs is logged once by the backend (and by calibration); unreadable numbers are news each time.
    const level = first.turn.logprobsProblem === 'malformed' ? 'warn' : 'debug';
    ctx.logger[level]({ backend: first.turn.backend }, `${first.why}; this verdict uses the two-frame contrast`);
    return contrast(ctx, frame, first.turn, first.why);
  }
  let logOdds = first.logOdds;
  const turns = [first.turn];
  // Too close to call in one frame: ask the other frame too and average the calibrated log-odds,
  // which also averages out each frame's item-to-item wobble. Costs a call only for these items.
  if (decide(ctx, sigmoid(logOdds)) === 'unclear') {
    const other = frameIn(frame, frame.strategy === 'permissibility' ? 'evaluation' : 'permissibility', ctx.labels);
    const second = await scoredTurn(ctx, other);
    turns.push(second.turn);
    if (second.ok) logOdds = (logOdds + second.logOdds) / 2;
  }
  const score = sigmoid(logOdds);
  const verdict = decide(ctx, score);
  const agrees = greedy.verdict === verdict;
  return {
    verdict,
    severity: consistentSeverity(verdict, greedy.verdict === 'impermissible' ? greedy.severity : undefined),
    norm: greedy.norm,
    summary: agrees && greedy.summary ? greedy.summary : summaryFor(verdict, score),
    score,
    method: 'calibrated',
    text: '',
    turns,
  };
}

type ScoredTurn = { ok: true; turn: Completion; logOdds: number } | { ok: false; turn: Completion; why: string };

/** One frame's verdict turn with logprobs, read and calibrated: log-odds with the frame's lean removed. */
async function scoredTurn(ctx: MethodContext, frame: Frame): Promise<ScoredTurn> {
  const frameId = frame.strategy === 'permissibility' ? 'S3' : 'S2';
  // The answer first: a model that cannot answer is not also probed for calibration.
  const turn = await ctx.turns.verdict(frame, true);
  let bias = ctx.calibration.peek(frameId);
  if (bias === undefined && ctx.awaitCalibration) {
    await withinBudget(ctx, ctx.calibration.settled());
    bias = ctx.calibration.peek(frameId);
  }
  if (!turn.logprobs) {
    const why = turn.logprobsProblem === 'malformed' ? 'Ollama sent unreadable logprobs' : 'Ollama sent no logprobs (0.12.11 or newer needed)';
    return { ok: false, turn, why };
  }
  const reading = readVerdictProbabilities(turn.logprobs);
  if (!reading.ok) return { ok: false, turn, why: `the verdict's logprobs were unusable (${reading.problem})` };
  if (bias === undefined) return { ok: false, turn, why: 'the frames’ lean is still being measured (calibration runs at start-up and on first use)' };
  if (bias === null) return { ok: false, turn, why: 'the frames’ lean could not be measured (no logprobs during calibration)' };
  return { ok: true, turn, logOdds: reading.reading.logOdds - bias };
}

/** Waits for `work` at most for what is left of the caller's budget (less a margin to answer in). */
async function withinBudget(ctx: MethodContext, work: Promise<void>): Promise<void> {
  const left = ctx.turns.remainingMs();
  if (left === undefined) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, left * 0.6));
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function decide(ctx: MethodContext, score: number): Verdict {
  const threshold = ctx.calibration.threshold();
  if (score >= Math.min(0.99, threshold + ctx.margin)) return 'impermissible';
  if (score <= Math.max(0.01, threshold - ctx.margin)) return 'permissible';
  return 'unclear';
}

function summaryFor(verdict: Verdict, score: number): string {
  const pct = `${Math.round(score * 100)}%`;
  if (verdict === 'impermissible') return `Impermissible on balance: calibrated probability ${pct}.`;
  if (verdict === 'permissible') return `Permissible on balance: calibrated probability of harm ${pct}, once the frame’s trained lean is removed.`;
  return `Unclear: calibrated probability ${pct}, too close to call.`;
}
