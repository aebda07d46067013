import type { TokenAlternative, TokenLogprob } from '../inference/types.js';
import { VERDICTS, type Verdict } from './types.js';

/**
 * P(label) for the verdict value of a JSON answer, from the token log-probabilities.
 *
 * Ollama computes them from the raw logits, before the JSON grammar and temperature
 * (reference/ollama.md), so the alternatives at the verdict include tokens the schema forbids
 * (`Imper`, ` imper`, `not`…) and the allowed labels do not sum to 1: we keep only the
 * alternatives that can begin an allowed label and renormalise over those. A label is usually
 * several tokens (`imper`+`missible`); the decision sits at the first token where the allowed
 * values differ, and a shared prefix is followed down the chosen path.
 */
export interface LabelReading {
  /** Renormalised over the allowed labels. */
  probabilities: Record<Verdict, number>;
  /** ln(P(impermissible) / P(permissible)), uncalibrated, clipped to ±MAX_LOG_ODDS. */
  logOdds: number;
  /** How much of the raw distribution the allowed labels held (the rest was forbidden or other). */
  allowedMass: number;
}

export type LabelReadingResult = { ok: true; reading: LabelReading } | { ok: false; problem: string };

/** Beyond this the token probabilities say only "very sure"; a cap keeps one answer from dominating sums. */
export const MAX_LOG_ODDS = 12;

const VERDICT_VALUE = /"verdict"\s*:\s*"/;

export function readVerdictProbabilities(tokens: readonly TokenLogprob[], labels: readonly Verdict[] = VERDICTS): LabelReadingResult {
  const text = tokens.map((t) => t.token).join('');
  const match = VERDICT_VALUE.exec(text);
  if (!match) return { ok: false, problem: 'no verdict value among the tokens' };
  const offset = match.index + match[0].length;
  let start = 0;
  let index = 0;
  while (index < tokens.length && start + tokens[index]!.token.length <= offset) start += tokens[index++]!.token.length;
  if (index >= tokens.length) return { ok: false, problem: 'the verdict value has no tokens' };
  // The token at the value may also carry the characters before it (e.g. `":"imper`).
  const before = text.slice(start, offset);
  const mass = massAt(tokens, index, before, '', labels);
  if (typeof mass === 'string') return { ok: false, problem: mass };
  const reading = summarise(mass);
  if (Number.isNaN(reading.logOdds) || VERDICTS.some((v) => !Number.isFinite(reading.probabilities[v]))) {
    return { ok: false, problem: 'the verdict probabilities are not numbers' };
  }
  return { ok: true, reading };
}

// Keyed by label text: a caller may pass labels beyond the three verdicts (tests do).
type Mass = Record<string, number>;

function emptyMass(labels: readonly string[]): Mass {
  return Object.fromEntries(labels.map((l) => [l, 0]));
}

/** Which labels a token can continue, given the label text already emitted (`sofar`). */
function consistent(rest: string, sofar: string, labels: readonly Verdict[]): Verdict[] {
  if (rest.length === 0) return [];
  const emitted = sofar + rest;
  return labels.filter((label) => `${label}"`.startsWith(emitted) || emitted.startsWith(`${label}"`));
}

function massAt(tokens: readonly TokenLogprob[], index: number, before: string, sofar: string, labels: readonly Verdict[]): Mass | string {
  const token = tokens[index];
  if (!token) return 'the verdict ended before the labels could be told apart';
  const alternatives: TokenAlternative[] = token.topLogprobs && token.topLogprobs.length > 0 ? token.topLogprobs : [];
  if (alternatives.length === 0) return 'no alternatives were sent for the verdict token (top_logprobs 0)';
  const chosenRest = token.token.startsWith(before) ? token.token.slice(before.length) : '';
  const mass = emptyMass(labels);
  let seen = false;
  for (const alt of alternatives) {
    if (!alt.token.startsWith(before)) continue;
    const rest = alt.token.slice(before.length);
    const fits = consistent(rest, sofar, labels);
    if (fits.length === 0) continue;
    const p = Math.exp(alt.logprob);
    if (alt.token === token.token) seen = true;
    if (fits.length === 1) {
      mass[fits[0]!]! += p;
    } else if (rest === chosenRest) {
      // A prefix several labels share, and the model took it: the next token decides among them.
      const deeper = massAt(tokens, index + 1, '', sofar + rest, fits);
      if (typeof deeper === 'string') return deeper;
      const total = fits.reduce((n, l) => n + (deeper[l] ?? 0), 0);
      for (const l of fits) mass[l]! += total > 0 ? (p * (deeper[l] ?? 0)) / total : p / fits.length;
    } else {
      for (const l of fits) mass[l]! += p / fits.length;
    }
  }
  if (!seen) {
    // The chosen token must be among its own alternatives; without it the list is not trustworthy.
    const chosenFits = consistent(chosenRest, sofar, labels);
    if (chosenFits.length === 0) return 'the chosen verdict token is not an allowed label';
    if (chosenFits.length === 1) mass[chosenFits[0]!]! += Math.exp(token.logprob);
  }
  // A label missing from the list is at most as likely as the least likely listed alternative.
  const floor = Math.exp(Math.min(...alternatives.map((a) => a.logprob)));
  for (const label of labels) if (mass[label] === 0) mass[label] = floor;
  return mass;
}

function summarise(mass: Mass): LabelReading {
  const allowed = Object.values(mass).reduce((a, b) => a + b, 0);
  const share = (label: Verdict) => (mass[label] ?? 0) / allowed;
  const probabilities = { permissible: share('permissible'), impermissible: share('impermissible'), unclear: share('unclear') };
  const raw = Math.log((mass.impermissible ?? 0) / (mass.permissible ?? 0));
  return { probabilities, logOdds: Math.max(-MAX_LOG_ODDS, Math.min(MAX_LOG_ODDS, raw)), allowedMass: Math.min(1, allowed) };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}
