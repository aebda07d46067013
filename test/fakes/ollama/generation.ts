import { nonsenseText, proseAnswer, proseStance, thinkingText } from './answers.js';
import { actionOf, parseFrame, type ParsedFrame } from './frames.js';
import { RESPECT_NORM, severityOf, type Judge } from './judgement.js';
import { greedyVerdict, type Decision } from './logprobs.js';
import type { Persona } from './persona.js';
import { conformingValue, freeJson, wronglyTypedValue, type Facts } from './schema.js';
import { countTokens, cutToTokens } from './tokens.js';

/** What the model is asked, after each route has translated its own wire format. */
export interface GenerationRequest {
  messages: Array<{ role: string; content: string }>;
  format: { kind: 'text' } | { kind: 'json' } | { kind: 'schema'; schema: unknown };
  thinking: boolean;
  /** Ollama's num_predict; undefined or <= 0 means no limit. */
  maxTokens?: number;
  stop?: string[];
  /** Ollama's top_logprobs when the client asked for logprobs (and the server supports them). */
  logprobs?: { top: number };
}

export type ContentFault = 'malformed-json' | 'leak-think' | 'leak-think-unterminated' | 'nonsense' | 'empty';

export interface Generation {
  content: string;
  thinking: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
  /** Where the answer decides and which way the model leaned there (for logprobs). */
  decision?: Decision;
}

export interface GenerationContext {
  judge: Judge;
  persona: Persona;
  thinkingTokens: number;
}

export function isStructured(request: GenerationRequest): boolean {
  return request.format.kind !== 'text';
}

/** Which content faults change this request's answer (the others leave it alone and are not used up). */
export function contentFaultApplies(fault: ContentFault, request: GenerationRequest): boolean {
  return fault !== 'malformed-json' || isStructured(request);
}

export function generate(request: GenerationRequest, context: GenerationContext, fault?: ContentFault): Generation {
  const promptTokens = countTokens(request.messages.map((m) => m.content).join(''));

  if (fault === 'leak-think-unterminated') {
    // A generic template lets the thoughts run on in content until the token limit cuts them.
    const budget = request.maxTokens !== undefined && request.maxTokens > 0 ? request.maxTokens : Math.max(context.thinkingTokens, 64);
    const content = cutToTokens(`<think>\n${thinkingText(budget + 8)}`, budget);
    return { content, thinking: '', finishReason: 'length', promptTokens, completionTokens: countTokens(content) };
  }

  let thinking = request.thinking && fault !== 'leak-think' ? thinkingText(context.thinkingTokens) : '';
  const answer = answerText(request, context, fault);
  let content = answer.content;
  let decision = answer.decision;
  if (fault === 'leak-think') {
    const prefix = '<think>some thoughts</think>\n\n';
    content = `${prefix}${content}`;
    if (decision) decision = { ...decision, at: decision.at + prefix.length };
  }

  let finishReason: Generation['finishReason'] = 'stop';
  for (const stop of request.stop ?? []) {
    const at = stop.length > 0 ? content.indexOf(stop) : -1;
    if (at >= 0) content = content.slice(0, at);
  }

  // Thoughts come first and spend the same budget, which is why leaving thinking on is costly.
  const limit = request.maxTokens;
  if (limit !== undefined && limit > 0) {
    if (countTokens(thinking) >= limit && (countTokens(thinking) > limit || content.length > 0)) {
      thinking = cutToTokens(thinking, limit);
      content = '';
      finishReason = 'length';
    } else if (countTokens(thinking) + countTokens(content) > limit) {
      content = cutToTokens(content, limit - countTokens(thinking));
      finishReason = 'length';
    }
  }

  if (decision && decision.at >= content.length) decision = undefined;
  return {
    content,
    thinking,
    finishReason,
    promptTokens,
    completionTokens: countTokens(thinking) + countTokens(content),
    ...(decision ? { decision } : {}),
  };
}

interface Answer {
  content: string;
  decision?: Decision;
}

const VERDICT_KEY = '"verdict":"';

function answerText(request: GenerationRequest, context: GenerationContext, fault: ContentFault | undefined): Answer {
  if (fault === 'empty') return { content: '' };
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  const frame = parseFrame(lastUser?.content ?? '');

  if (request.format.kind === 'text') {
    if (fault === 'nonsense') return { content: nonsenseText(lastUser?.content ?? '') };
    const content = proseAnswer(frame, context.judge, context.persona);
    // S3 prose opens with its answer ("No, …" / "Yes, …"): the first token is the decision.
    return frame.kind === 'permissibility' ? { content, decision: { kind: 'yes-no', at: 0, logOdds: context.persona.logOdds(frame.kind, frame.action) } } : { content };
  }
  if (fault === 'malformed-json') return { content: 'Sure! Here is the JSON: {"verdict": "imperm' };

  const schema = request.format.kind === 'schema' ? request.format.schema : undefined;
  if (fault === 'nonsense') return { content: JSON.stringify(wronglyTypedValue(schema)) };
  const { facts, logOdds } = factsOf(request.messages, frame, context);
  const content = JSON.stringify(schema === undefined ? freeJson(facts) : conformingValue(schema, facts));
  const key = content.indexOf(VERDICT_KEY);
  return key < 0 ? { content } : { content, decision: { kind: 'verdict', at: key + VERDICT_KEY.length, logOdds } };
}

// A verdict asked for after the model's own prose summarises that prose: the stance it took
// dominates, and the action itself adds only a little.
const ANCHOR_LOGITS = 4.5;
const EVIDENCE_AFTER_PROSE = 0.2;

/**
 * The structured method asks for the verdict in a follow-up turn, so the verdict comes from
 * the first framed user message that names an action (anchored to the prose answered to it),
 * not from the last message.
 */
function factsOf(messages: GenerationRequest['messages'], lastFrame: ParsedFrame, context: GenerationContext): { facts: Facts; logOdds: number } {
  const { judge, persona } = context;
  const at = messages.findIndex((m) => m.role === 'user' && actionOf(parseFrame(m.content)) !== undefined);
  const framed = at >= 0 ? parseFrame(messages[at]!.content) : undefined;
  const action = framed ? actionOf(framed) : undefined;
  if (framed === undefined || action === undefined) {
    const norm = lastFrame.kind === 'norm-rationale' ? lastFrame.norm : RESPECT_NORM;
    return { facts: { verdict: 'unclear', severity: 'none', norm, summary: 'No action to assess was stated.' }, logOdds: 0 };
  }
  const prose = messages.slice(at + 1).find((m) => m.role === 'assistant');
  const stance = prose ? proseStance(prose.content) : 0;
  const prior = persona.logOdds(framed.kind as 'evaluation' | 'permissibility', action);
  const logOdds = stance !== 0 ? stance * ANCHOR_LOGITS + EVIDENCE_AFTER_PROSE * prior : prior;
  return { facts: factsFor(greedyVerdict(logOdds), judge, action), logOdds };
}

function factsFor(verdict: Facts['verdict'], judge: Judge, action: string): Facts {
  const judgement = judge(action);
  if (verdict === 'impermissible') {
    const harm = judgement.harm;
    return {
      verdict,
      severity: harm ? severityOf(judgement) : 'low',
      norm: harm?.norm ?? 'It is wrong to act in ways that harm others.',
      summary: `Impermissible: ${harm?.risk ?? 'it causes harm to people who did not agree to bear it'}.`,
    };
  }
  if (verdict === 'unclear') {
    return { verdict, severity: 'none', norm: RESPECT_NORM, summary: 'Whether this action is acceptable is not clear from what is stated.' };
  }
  return {
    verdict: 'permissible',
    severity: 'none',
    norm: RESPECT_NORM,
    summary: 'Permissible: the action reaches its goal without harming anyone.',
  };
}
