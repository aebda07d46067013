import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultBook, RouteInfo } from './faults.js';
import type { GenerationContext } from './generation.js';
import type { Scheduler } from './latency.js';
import type { Catalogue, ModelEntry } from './models.js';
import type { RecordedRequest } from './types.js';

/** Everything one simulator instance owns; handed to handlers instead of living in globals. */
export interface SimState {
  catalogue: Catalogue;
  scheduler: Scheduler;
  faults: FaultBook;
  requests: RecordedRequest[];
  latency: { prefillMsPerToken: number; decodeMsPerToken: number };
  generation: GenerationContext;
  /** Whether log-probabilities are served (Ollama ≥ 0.12.11). */
  logprobs: boolean;
  residency: { model: ModelEntry | undefined; expiresAt: number };
  nextId(): number;
}

/** One request as the handlers see it, after the body is read and the faults are decided. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  body: unknown;
  signal: AbortSignal;
  route: RouteInfo;
  /** The `model-missing` fault hit this request: answer as if nothing were installed. */
  modelMissing: boolean;
  /** performance.now() at arrival, for total_duration. */
  receivedAt: number;
}

export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;

export function initialResidency(): SimState['residency'] {
  return { model: undefined, expiresAt: Date.now() + DEFAULT_KEEP_ALIVE_MS };
}

export function findModel(state: SimState, exchange: Exchange, name: unknown): ModelEntry | undefined {
  return exchange.modelMissing ? undefined : state.catalogue.find(name);
}

export function installedModels(state: SimState, exchange: Exchange): ModelEntry[] {
  return exchange.modelMissing ? [] : state.catalogue.all();
}

/** A request keeps the model resident for its keep_alive; keep_alive 0 unloads it afterwards. */
export function touchResidency(state: SimState, model: ModelEntry, keepAliveMs: number | undefined): void {
  const ms = keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  state.residency.model = model;
  state.residency.expiresAt = Date.now() + ms;
  if (ms === 0) state.scheduler.setLoaded(false);
}

export function notFoundMessage(name: string): string {
  return `model "${name}" not found, try pulling it first`;
}

export function noThinkingMessage(name: string): string {
  return `"${name}" does not support thinking`;
}
