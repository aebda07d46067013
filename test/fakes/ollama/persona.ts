import type { FrameKind } from './frames.js';
import type { Judge } from './judgement.js';

/**
 * Who answers: the judgement behind every verdict and every prose stance.
 *
 * - `rules` (the default): the keyword judge or the labelled table, the same in every frame, so
 *   tests that need predictable labels get them.
 * - `prior`: a model that carries the frame priors its training data taught it (DESIGN.md §2).
 *   Each action has a hidden evidence score; in frame f the log-odds of "impermissible" are
 *   `evidence + bias[f]`. S3 was trained only on immoral actions with a refusal as the target,
 *   so it leans towards refusing; S2 only on moral actions with a validation, so it leans
 *   towards validating. Greedy answers follow the log-odds, so with a strong bias S3 refuses
 *   most benign actions and S2 validates most harmful ones.
 */
export type FrameId = 'S1' | 'S2' | 'S3' | 'S4';

export interface PriorPersonaOptions {
  /** Logits added to "impermissible" per frame. Default: S3 +2.5, S2 −2.5, S1/S4 0. */
  bias?: Partial<Record<FrameId, number>>;
  /**
   * How far from 0 the evidence of a clear-cut action sits (logits). Default 1.25: smaller than
   * the priors the issue asks about (1.5–3), so greedy answers follow the prior for most inputs.
   */
  evidence?: number;
  /** Standard deviation of the deterministic per-item spread around ±evidence. Default 0.6. */
  spread?: number;
  /** Share of actions that are genuinely ambiguous: evidence near 0, barely leaning to their label. Default 0.1. */
  ambiguous?: number;
  /**
   * A frame's lean is not one constant: per action and frame it varies by this standard
   * deviation (logits, deterministic). Default 0.3. Calibration removes only the average.
   */
  frameNoise?: number;
  /**
   * Content-free inputs are not perfectly neutral either: their log-odds are shifted by this
   * much in every frame, so probes misjudge the lean a little (contextual calibration's known
   * limit). Default 0.3.
   */
  probeShift?: number;
}

export type PersonaSpec = { kind: 'rules' } | ({ kind: 'prior' } & PriorPersonaOptions);

export const DEFAULT_PRIOR: Required<Omit<PriorPersonaOptions, 'bias'>> & { bias: Record<FrameId, number> } = {
  bias: { S1: 0, S2: -2.5, S3: 2.5, S4: 0 },
  evidence: 1.25,
  spread: 0.6,
  ambiguous: 0.1,
  frameNoise: 0.3,
  probeShift: 0.3,
};

export const FRAME_OF_KIND: Record<FrameKind, FrameId> = {
  guidance: 'S1',
  evaluation: 'S2',
  permissibility: 'S3',
  'norm-rationale': 'S4',
};

export interface Persona {
  readonly kind: 'rules' | 'prior';
  /**
   * Log-odds that the answer in this frame is "impermissible", before any grammar or sampling.
   * `action` undefined: the frame names no action (S1, S4), so there is no evidence either way.
   */
  logOdds(frame: FrameKind, action: string | undefined): number;
  /** The hidden evidence alone (0 for a content-free action); for tests and the bench's ground truth. */
  evidence(action: string): number;
}

/** Placeholders that say nothing about an action: contextual calibration probes use them. */
const CONTENT_FREE = /^(?:n\/?a|none|null|nil|nothing|empty|unknown|\[mask\]|mask|-+|\.+|\?+|…|_+|x+)$/i;

export function isContentFree(text: string): boolean {
  const core = text.trim().replace(/^["'“”‘’]+|["'“”‘’]+$/g, '').trim();
  return core === '' || CONTENT_FREE.test(core) || CONTENT_FREE.test(core.replace(/[.!]+$/, ''));
}

/** The log-odds the rules persona answers with: far enough from 0 that no reading is in doubt. */
const RULES_CONFIDENCE = 6;

export function makePersona(spec: PersonaSpec | undefined, judge: Judge): Persona {
  if (spec === undefined || spec.kind === 'rules') {
    return {
      kind: 'rules',
      evidence: (action) => (judge(action).label === 'impermissible' ? RULES_CONFIDENCE : -RULES_CONFIDENCE),
      // A content-free action says nothing either way, so even this unbiased model has no lean on it.
      logOdds: (_frame, action) =>
        action === undefined || isContentFree(action) ? 0 : judge(action).label === 'impermissible' ? RULES_CONFIDENCE : -RULES_CONFIDENCE,
    };
  }
  const options = resolvePrior(spec);
  const evidence = (action: string): number => {
    if (isContentFree(action)) return 0;
    const sign = judge(action).label === 'impermissible' ? 1 : -1;
    const [u0, u1, u2] = uniforms(action.trim());
    if (u0 < options.ambiguous) return sign * (-0.3 + 0.8 * u1);
    return sign * options.evidence + options.spread * gaussian(u1, u2);
  };
  const logOdds = (frame: FrameKind, action: string | undefined): number => {
    const id = FRAME_OF_KIND[frame];
    if (action === undefined) return options.bias[id];
    if (isContentFree(action)) return options.bias[id] + options.probeShift;
    const [, , , u3, u4] = uniforms(`${id}\u0000${action.trim()}`);
    return evidence(action) + options.bias[id] + options.frameNoise * gaussian(u3, u4);
  };
  return { kind: 'prior', evidence, logOdds };
}

export function resolvePrior(spec: PriorPersonaOptions): typeof DEFAULT_PRIOR {
  const bias = { ...DEFAULT_PRIOR.bias, ...(spec.bias ?? {}) };
  const out = {
    bias,
    evidence: spec.evidence ?? DEFAULT_PRIOR.evidence,
    spread: spec.spread ?? DEFAULT_PRIOR.spread,
    ambiguous: spec.ambiguous ?? DEFAULT_PRIOR.ambiguous,
    frameNoise: spec.frameNoise ?? DEFAULT_PRIOR.frameNoise,
    probeShift: spec.probeShift ?? DEFAULT_PRIOR.probeShift,
  };
  for (const [name, value] of Object.entries({ ...bias, ...out, bias: 0 })) {
    if (!Number.isFinite(value)) throw new RangeError(`persona option ${name} must be a finite number`);
  }
  if (out.spread < 0 || out.evidence < 0 || out.frameNoise < 0) throw new RangeError('persona evidence, spread and frameNoise must be non-negative');
  if (out.ambiguous < 0 || out.ambiguous > 1) throw new RangeError('persona ambiguous share must be between 0 and 1');
  return out;
}

/** Five deterministic uniforms in [0, 1) per text (FNV-1a, then an LCG). */
function uniforms(text: string): [number, number, number, number, number] {
  let state = 2166136261;
  for (const ch of text) state = Math.imul(state ^ ch.codePointAt(0)!, 16777619) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return [next(), next(), next(), next(), next()];
}

/** Box–Muller: a standard normal from two uniforms. */
function gaussian(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
}
