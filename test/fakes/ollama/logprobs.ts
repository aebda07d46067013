/**
 * Token log-probabilities as Ollama ≥ 0.12.11 reports them (api/types.go `Logprob`):
 * `{token, logprob, top_logprobs?: [{token, logprob}]}`, `bytes` omitted, `top_logprobs`
 * omitted when none were asked for. The numbers come from the raw logits, BEFORE the JSON
 * grammar mask and temperature, so the alternatives at a verdict include tokens the schema
 * forbids, and the allowed labels do not sum to 1. Labels are split into several tokens.
 */
export interface TokenAlternative {
  token: string;
  logprob: number;
}

export interface TokenLogprob extends TokenAlternative {
  top_logprobs?: TokenAlternative[];
}

/** Where in the content the answer's decision sits, and which way the model leans there. */
export interface Decision {
  kind: 'verdict' | 'yes-no';
  /** Character offset of the decision's first token in the content. */
  at: number;
  /** Log-odds of "impermissible" (or "No") at this point. */
  logOdds: number;
}

export type VerdictLabel = 'permissible' | 'impermissible' | 'unclear';

/** How each label is split by the (simulated) tokenizer; the first tokens differ, the rest follow. */
export const LABEL_TOKENS: Record<VerdictLabel, string[]> = {
  impermissible: ['imper', 'missible'],
  permissible: ['perm', 'issible'],
  unclear: ['un', 'clear'],
};

// Unnamed rest of the vocabulary: keeps every listed probability honest (they never sum to 1).
const REST_OF_VOCABULARY = -1.5;
// At |log-odds| below this the model would rather say "unclear" than pick a side.
const UNCLEAR_MARGIN = 0.3;

interface Candidate {
  token: string;
  logit: number;
  /** The label this token starts, when the JSON grammar allows it. */
  label?: VerdictLabel;
}

function verdictCandidates(logOdds: number): Candidate[] {
  const half = logOdds / 2;
  return [
    { token: 'imper', logit: half, label: 'impermissible' },
    { token: 'perm', logit: -half, label: 'permissible' },
    { token: 'un', logit: UNCLEAR_MARGIN - Math.abs(half), label: 'unclear' },
    // Forbidden by the schema's enum, yet in the raw distribution.
    { token: 'Imper', logit: half - 1.8 },
    { token: ' imper', logit: half - 2.6 },
    { token: 'Perm', logit: -half - 1.8 },
    { token: 'not', logit: -3.2 },
    { token: 'N', logit: -3.6 },
  ];
}

function yesNoCandidates(logOdds: number): Candidate[] {
  const half = logOdds / 2;
  return [
    { token: 'No', logit: half },
    { token: 'Yes', logit: -half },
    { token: 'It', logit: -2.4 },
    { token: 'I', logit: -3.1 },
  ];
}

/** The greedy choice among the labels the grammar allows: what temperature 0.2 nearly always picks. */
export function greedyVerdict(logOdds: number): VerdictLabel {
  let best: Candidate | undefined;
  for (const c of verdictCandidates(logOdds)) if (c.label && (!best || c.logit > best.logit)) best = c;
  return best?.label ?? 'unclear';
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
}

function distribution(candidates: Candidate[]): TokenAlternative[] {
  const norm = logSumExp([...candidates.map((c) => c.logit), REST_OF_VOCABULARY]);
  return candidates.map((c) => ({ token: c.token, logprob: c.logit - norm })).sort((a, b) => b.logprob - a.logprob);
}

/** Splits text into tokens whose concatenation is exactly the text. */
function splitTokens(text: string): string[] {
  return text.match(/\s*(?:[A-Za-z]{1,6}|\d{1,3}|[^\sA-Za-z\d]{1,2})|\s+/gu) ?? [];
}

/** A confident ordinary token: small, deterministic per token so runs reproduce. */
function plain(token: string, top: number): TokenLogprob {
  let h = 0;
  for (const ch of token) h = (h * 31 + ch.charCodeAt(0)) % 997;
  const logprob = -0.02 - (h % 20) / 200;
  const alternatives = [
    { token, logprob },
    { token: token.trim() === ',' ? '.' : ',', logprob: -4.2 - (h % 7) / 10 },
    { token: ' the', logprob: -5.1 - (h % 5) / 10 },
  ];
  return withTop({ token, logprob }, alternatives, top);
}

// Unremarkable tokens that fill out a long top_logprobs list, least likely last.
const FILLERS = [',', ' the', '.', ' and', ' a', ' to', ' of', '\n', ' is', ' it', ' in', ' that', ' for', ' on', ' with', ' as', ' be', ' by', ' or', ' at'];

function withTop(entry: TokenAlternative, alternatives: TokenAlternative[], top: number): TokenLogprob {
  if (top <= 0) return { ...entry };
  const list = alternatives.slice(0, top);
  let floor = Math.min(...list.map((a) => a.logprob));
  for (const token of FILLERS) {
    if (list.length >= top) break;
    if (list.some((a) => a.token === token)) continue;
    floor -= 0.3;
    list.push({ token, logprob: floor });
  }
  return { ...entry, top_logprobs: list };
}

/** Log-probabilities for every token of `content`, with the decision (if any) carrying the model's lean. */
export function tokenLogprobs(content: string, decision: Decision | undefined, top: number): TokenLogprob[] {
  if (!decision || decision.at < 0 || decision.at > content.length) return splitTokens(content).map((t) => plain(t, top));
  const before = splitTokens(content.slice(0, decision.at)).map((t) => plain(t, top));
  const rest = content.slice(decision.at);
  const candidates = decision.kind === 'verdict' ? verdictCandidates(decision.logOdds) : yesNoCandidates(decision.logOdds);
  const dist = distribution(candidates);
  const chosen = candidates.find((c) => rest.startsWith(c.token) && (decision.kind === 'yes-no' || c.label !== undefined));
  if (!chosen) return splitTokens(content).map((t) => plain(t, top));
  const first = withTop(dist.find((d) => d.token === chosen.token)!, dist, top);
  const tail: TokenLogprob[] = [];
  let remainder = rest.slice(chosen.token.length);
  if (chosen.label) {
    const continuation = LABEL_TOKENS[chosen.label].slice(1).join('');
    if (remainder.startsWith(continuation)) {
      for (const piece of LABEL_TOKENS[chosen.label].slice(1)) {
        tail.push(withTop({ token: piece, logprob: -0.0004 }, [{ token: piece, logprob: -0.0004 }, { token: piece.slice(0, 3), logprob: -8.5 }], top));
      }
      remainder = remainder.slice(continuation.length);
    }
  }
  return [...before, first, ...tail, ...splitTokens(remainder).map((t) => plain(t, top))];
}

export type LogprobFault = 'logprobs-missing' | 'logprobs-malformed' | 'logprobs-nan';

/**
 * What a broken proxy or server might hand back instead of good numbers. `undefined`: the field
 * is left out altogether. NaN cannot be written in JSON, so it arrives as the string "NaN".
 */
export function damagedLogprobs(tokens: TokenLogprob[], fault: LogprobFault): unknown {
  switch (fault) {
    case 'logprobs-missing':
      return undefined;
    case 'logprobs-malformed':
      return tokens.map((t, i) => (i % 2 === 0 ? { token: t.token, top_logprobs: 'many' } : { text: t.token, lp: t.logprob }));
    case 'logprobs-nan':
      return tokens.map((t) => ({
        token: t.token,
        logprob: 'NaN',
        ...(t.top_logprobs ? { top_logprobs: t.top_logprobs.map((a) => ({ token: a.token, logprob: 'NaN' })) } : {}),
      }));
  }
}
