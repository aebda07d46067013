import { findModel, installedModels, type Exchange, type SimState } from './context.js';
import { isObject, sendError, sendJson, sendText } from './http.js';
import { psEntry, showBody, tagsEntry } from './models.js';

/** The first release that returns token log-probabilities (PR #12899). */
export const SIMULATED_VERSION = '0.12.11-sim';
/** What a simulator started with `logprobs: false` reports: an Ollama from before them. */
export const LEGACY_VERSION = '0.12.0-sim';

// Ollama reports a model kept "forever" with an expiry far in the future.
const FOREVER = '2318-01-01T00:00:00Z';

export async function root(_state: SimState, exchange: Exchange): Promise<void> {
  if (exchange.method === 'HEAD') {
    exchange.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    exchange.res.end();
    return;
  }
  sendText(exchange.res, 200, 'Ollama is running');
}

export async function version(state: SimState, exchange: Exchange): Promise<void> {
  sendJson(exchange.res, 200, { version: state.logprobs ? SIMULATED_VERSION : LEGACY_VERSION });
}

export async function tags(state: SimState, exchange: Exchange): Promise<void> {
  sendJson(exchange.res, 200, { models: installedModels(state, exchange).map(tagsEntry) });
}

export async function ps(state: SimState, exchange: Exchange): Promise<void> {
  const installed = installedModels(state, exchange);
  const model = state.residency.model ?? installed[0];
  if (!state.scheduler.isLoaded() || !model || !installed.includes(model)) {
    return sendJson(exchange.res, 200, { models: [] });
  }
  const expiresAt = state.residency.expiresAt;
  const iso = Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : FOREVER;
  sendJson(exchange.res, 200, { models: [psEntry(model, iso)] });
}

export async function show(state: SimState, exchange: Exchange): Promise<void> {
  const body = isObject(exchange.body) ? exchange.body : {};
  const name = body.model ?? body.name;
  if (typeof name !== 'string' || name.trim() === '') return sendError(exchange.res, exchange.path, 400, 'model is required');
  const model = findModel(state, exchange, name);
  if (!model) return sendError(exchange.res, exchange.path, 404, `model '${name}' not found`);
  sendJson(exchange.res, 200, showBody(model));
}
