import type { IncomingHttpHeaders } from 'node:http';

/** A model the simulator pretends to have installed. */
export interface ModelSpec {
  name: string;
  /** As reported by `POST /api/show`; `thinking` decides whether thinking controls are accepted. */
  capabilities?: string[];
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
  | 'empty';

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
  close(): Promise<void>;
}
