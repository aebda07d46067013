import type { IncomingHttpHeaders } from 'node:http';
import type { PersonaSpec } from './persona.js';

/** A model the simulator pretends to have installed. */
export interface ModelSpec {
  name: string;
  /** As reported by `POST /api/show`; `thinking` decides whether thinking controls are accepted. */
  capabilities?: string[];
  /** The digest `/api/tags` reports (default: derived from the name). */
  digest?: string;
}

export interface LatencyOptions {
  prefillMsPerToken?: number;
  decodeMsPerToken?: number;
  /** Parallel slots, Ollama's OLLAMA_NUM_PARALLEL. */
  slots?: number;
  loadMs?: number;
  /** Ollama's OLLAMA_MAX_QUEUE: bounds only the requests waiting for a model load. */
  maxQueue?: number;
}

export type Label = 'permissible' | 'impermissible';

export interface SimulatorOptions {
  port?: number;
  models?: ModelSpec[];
  latency?: LatencyOptions;
  cold?: boolean;
  labelled?: Array<{ action: string; label: Label }>;
  /** Who answers: `rules` (default, the same verdict in every frame) or `prior` (frame priors, persona.ts). */
  persona?: PersonaSpec;
  /**
   * Whether the server returns token log-probabilities when asked (Ollama ≥ 0.12.11). Default
   * true; false behaves like an older Ollama (or a proxy that drops them): the request fields
   * are ignored and `/api/version` reports 0.12.0.
   */
  logprobs?: boolean;
  thinkingTokens?: number;
  /** Receives one line per finished request; the standalone runner prints these. */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the raw text ('' when there was no body). */
  body: unknown;
  /** Date.now() when the request (with its body) arrived. */
  at: number;
}

export type Fault =
  | 'unreachable'
  | 'die-mid-request'
  | 'http500'
  | 'http503'
  | { slowMs: number }
  | 'hang'
  | 'malformed-json'
  | 'leak-think'
  | 'leak-think-unterminated'
  | 'model-missing'
  | 'nonsense'
  | 'empty'
  /** Only for requests that asked for logprobs: the field is dropped, garbled, or full of "NaN". */
  | 'logprobs-missing'
  | 'logprobs-malformed'
  | 'logprobs-nan'
  /**
   * Only for streamed requests: the answer stops halfway, without a finish_reason or [DONE]
   * (OpenAI-style) or without done:true (native), as Ollama's stream ends when its runner fails.
   */
  | 'stream-cut';

export interface InjectOptions {
  times?: number;
  paths?: string[];
}

export interface SimulatorStats {
  completed: number;
  busyMs: number;
  maxConcurrent: number;
  inFlight: number;
  queued: number;
  promptTokens: number;
  completionTokens: number;
}

export interface OllamaSimulator {
  url: string;
  port: number;
  requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  inject(fault: Fault, opts?: InjectOptions): void;
  clearFaults(): void;
  stats(): SimulatorStats;
  resetStats(): void;
  setLoaded(loaded: boolean): void;
  /** As if the model were re-pulled or re-created: `/api/tags` reports a new digest for it. */
  setDigest(name: string, digest: string): void;
  close(): Promise<void>;
}
