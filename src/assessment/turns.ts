import type { Completion, InferenceClient, Priority } from '../inference/types.js';
import type { Frame } from '../strategies/index.js';
import type { Budget } from './deadline.js';
import { verdictQuestion } from './prompts.js';
import { VERDICT_JSON_SCHEMA } from './verdict.js';

const VERDICT_SCHEMA = { name: 'verdict', schema: VERDICT_JSON_SCHEMA };

/** Ollama's most: every allowed label's first token is then among the alternatives. */
export const TOP_LOGPROBS = 20;

export interface TurnLimits {
  maxTokens: number;
  verdictMaxTokens: number;
}

/** The model calls an assessment is made of, all under one budget and priority. */
export class ModelTurns {
  constructor(
    private readonly inference: InferenceClient,
    private readonly limits: TurnLimits,
    private readonly call: { priority: Priority; signal?: AbortSignal; budget: Budget; onProse?: (soFar: string) => void },
  ) {}

  /** What is left of the budget (undefined: none set); throws TIMEOUT when it is spent. */
  remainingMs(): number | undefined {
    return this.call.budget.remainingMs();
  }

  /** The frame's prose answer, as trained; streamed when someone is waiting to read it. */
  prose(frame: Frame): Promise<Completion> {
    return this.complete([{ role: 'user', content: frame.prompt }], this.limits.maxTokens, false, false, this.call.onProse);
  }

  /** The frame answered straight into the verdict schema; with logprobs for the calibrated score. */
  verdict(frame: Frame, logprobs: boolean): Promise<Completion> {
    return this.complete([{ role: 'user', content: frame.prompt }], this.limits.verdictMaxTokens, true, logprobs);
  }

  /** A verdict asked after the model's own prose: it summarises that prose. */
  followUp(frame: Frame, prose: string): Promise<Completion> {
    return this.complete(
      [
        { role: 'user', content: frame.prompt },
        { role: 'assistant', content: prose },
        { role: 'user', content: verdictQuestion(frame.strategy) },
      ],
      this.limits.verdictMaxTokens,
      true,
    );
  }

  private complete(
    messages: Parameters<InferenceClient['complete']>[0]['messages'],
    maxTokens: number,
    schema = false,
    logprobs = false,
    onText?: (soFar: string) => void,
  ): Promise<Completion> {
    return this.inference.complete({
      messages,
      maxTokens,
      ...(onText ? { onText } : {}),
      ...(schema ? { jsonSchema: VERDICT_SCHEMA } : {}),
      ...(logprobs ? { logprobs: { top: TOP_LOGPROBS } } : {}),
      priority: this.call.priority,
      signal: this.call.signal,
      deadlineMs: this.call.budget.remainingMs(),
    });
  }
}
