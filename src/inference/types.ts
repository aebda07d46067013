export const PRIORITIES = ['interactive', 'review', 'passive'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** Constrain decoding to this JSON schema (Ollama supports it for any model). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  priority: Priority;
  /** Overall budget for this call, retries and queueing included. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Ask for token log-probabilities with this many alternatives per token (Ollama ≥ 0.12.11; 0..20). */
  logprobs?: { top: number };
  /**
   * Stream the answer, for prose a person is waiting to read (never for verdicts): called with
   * the visible text so far as it arrives. After a stream that broke mid-answer, the retry is
   * not streamed; the Completion is what counts either way.
   */
  onText?: (soFar: string) => void;
}

/** One alternative at a token position, as Ollama reports it (before the grammar mask). */
export interface TokenAlternative {
  token: string;
  logprob: number;
}

export interface TokenLogprob extends TokenAlternative {
  /** Absent when the server sent none for this position. */
  topLogprobs?: TokenAlternative[];
}

export interface Completion {
  content: string;
  finishReason: string;
  model: string;
  backend: string;
  latencyMs: number;
  usage: { promptTokens: number; completionTokens: number };
  /**
   * Only when the request asked for them: the tokens' log-probabilities, or null when the
   * server sent none (Ollama older than 0.12.11, a proxy that drops them) or sent numbers that
   * could not be read (malformed, NaN). `logprobsProblem` then says which.
   */
  logprobs?: TokenLogprob[] | null;
  logprobsProblem?: 'missing' | 'malformed';
}

/** What the assessment layer needs from inference; the scheduler-backed client is one implementation. */
export interface InferenceClient {
  readonly model: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

export interface BackendHealth {
  url: string;
  reachable: boolean;
  modelPresent: boolean;
  loaded: boolean | null;
  thinking: 'supported' | 'unsupported' | 'unknown';
  /** Whether this host returns token log-probabilities, as seen on its last answer that asked for them. */
  logprobs: 'supported' | 'unsupported' | 'unknown';
  breaker: 'closed' | 'open' | 'half-open';
  error?: string;
}
