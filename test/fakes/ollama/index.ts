import type { AddressInfo } from 'node:net';
import { initialResidency, type SimState } from './context.js';
import { FaultBook } from './faults.js';
import { makeJudge } from './judgement.js';
import { makePersona } from './persona.js';
import { Scheduler } from './latency.js';
import { Catalogue, DEFAULT_MODELS } from './models.js';
import { createSimulatorServer } from './server.js';
import type { OllamaSimulator, RecordedRequest, SimulatorOptions } from './types.js';

export type {
  Fault,
  InjectOptions,
  Label,
  LatencyOptions,
  ModelSpec,
  OllamaSimulator,
  RecordedRequest,
  SimulatorOptions,
  SimulatorStats,
} from './types.js';
export { SIMULATED_VERSION, LEGACY_VERSION } from './probe-routes.js';
export { DEFAULT_PRIOR, isContentFree, makePersona, type FrameId, type Persona, type PersonaSpec, type PriorPersonaOptions } from './persona.js';
export { LABEL_TOKENS, type TokenLogprob } from './logprobs.js';

export const SIMULATOR_HOST = '127.0.0.1';

/**
 * Starts a fresh simulator of an Ollama server on 127.0.0.1. Each call owns its own state,
 * so tests running side by side never see each other's requests, faults or stats.
 */
export async function startOllamaSimulator(options: SimulatorOptions = {}): Promise<OllamaSimulator> {
  const latency = options.latency ?? {};
  const slots = latency.slots ?? 4;
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError('latency.slots must be a positive integer');

  const requests: RecordedRequest[] = [];
  const judge = makeJudge(options.labelled);
  let ids = 0;
  const state: SimState = {
    catalogue: new Catalogue(options.models ?? DEFAULT_MODELS),
    scheduler: new Scheduler({ slots, loadMs: latency.loadMs ?? 0, maxQueue: latency.maxQueue ?? 512 }, !options.cold),
    faults: new FaultBook(),
    requests,
    latency: { prefillMsPerToken: latency.prefillMsPerToken ?? 0, decodeMsPerToken: latency.decodeMsPerToken ?? 0 },
    generation: { judge, persona: makePersona(options.persona, judge), thinkingTokens: options.thinkingTokens ?? 120 },
    logprobs: options.logprobs ?? true,
    residency: initialResidency(),
    nextId: () => ++ids,
  };

  const closing = new AbortController();
  const server = createSimulatorServer(state, closing.signal, options.log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, SIMULATOR_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${SIMULATOR_HOST}:${port}`,
    port,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    inject: (fault, opts) => state.faults.inject(fault, opts),
    clearFaults: () => state.faults.clear(),
    stats: () => state.scheduler.stats(),
    resetStats: () => state.scheduler.resetStats(),
    setLoaded: (loaded) => state.scheduler.setLoaded(loaded),
    setDigest: (name, digest) => {
      const model = state.catalogue.find(name);
      if (!model) throw new Error(`no model ${name} in the simulator`);
      model.digest = digest;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        // Abort first so queued and hung handlers stop, then drop every socket, idle or not.
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
