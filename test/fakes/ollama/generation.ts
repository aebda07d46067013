import { nonsenseText, proseAnswer, thinkingText } from './answers.js';
import { actionOf, parseFrame, type ParsedFrame } from './frames.js';
import { RESPECT_NORM, severityOf, type Judge } from './judgement.js';
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
}

export type ContentFault = 'malformed-json' | 'leak-think' | 'leak-think-unterminated' | 'nonsense' | 'empty';

export interface Generation {
  content: string;
  thinking: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
}

export interface GenerationContext {
  judge: Judge;
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
  let content = answerText(request, context, fault);
  if (fault === 'leak-think') content = `<think>some thoughts</think>\n\n${content}`;

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

  return { content, thinking, finishReason, promptTokens, completionTokens: countTokens(thinking) + countTokens(content) };
}

function answerText(request: GenerationRequest, context: GenerationContext, fault: ContentFault | undefined): string {
  if (fault === 'empty') return '';
  const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
  const frame = parseFrame(lastUser?.content ?? '');

  if (request.format.kind === 'text') {
    return fault === 'nonsense' ? nonsenseText(lastUser?.content ?? '') : proseAnswer(frame, context.judge);
  }
  if (fault === 'malformed-json') return 'Sure! Here is the JSON: {"verdict": "imperm';

  const schema = request.format.kind === 'schema' ? request.format.schema : undefined;
  if (fault === 'nonsense') return JSON.stringify(wronglyTypedValue(schema));
  const facts = factsOf(request.messages, frame, context.judge);
  return JSON.stringify(schema === undefined ? freeJson(facts) : conformingValue(schema, facts));
}

/**
 * The structured method asks for the verdict in a follow-up turn, so the verdict comes from
 * the first framed user message that names an action, not from the last message.
 */
function factsOf(messages: GenerationRequest['messages'], lastFrame: ParsedFrame, judge: Judge): Facts {
  const action = messages
    .filter((m) => m.role === 'user')
    .map((m) => actionOf(parseFrame(m.content)))
    .find((a): a is string => a !== undefined);
  if (action === undefined) {
    const norm = lastFrame.kind === 'norm-rationale' ? lastFrame.norm : RESPECT_NORM;
    return { verdict: 'unclear', severity: 'none', norm, summary: 'No action to assess was stated.' };
  }
  const judgement = judge(action);
  if (judgement.harm) {
    return {
      verdict: 'impermissible',
      severity: severityOf(judgement),
      norm: judgement.harm.norm,
      summary: `Impermissible: ${judgement.harm.risk}.`,
    };
  }
  return {
    verdict: 'permissible',
    severity: 'none',
    norm: RESPECT_NORM,
    summary: 'Permissible: the action reaches its goal without harming anyone.',
  };
}
