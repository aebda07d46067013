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
}

export interface Completion {
  content: string;
  finishReason: string;
  model: string;
  backend: string;
  latencyMs: number;
  usage: { promptTokens: number; completionTokens: number };
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
  breaker: 'closed' | 'open' | 'half-open';
  error?: string;
}
