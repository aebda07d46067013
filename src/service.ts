import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Engine } from './app.js';
import type { Config } from './config.js';

export interface Service {
  http: Server | null;
  address: AddressInfo | null;
  adapters: string[];
  stop(): Promise<void>;
}

/** Chat adapters are started by the caller's factory, so the core never imports an adapter. */
export type AdapterStarter = (core: App) => Promise<Array<{ name: string; stop(): Promise<void> }>>;

/** `normguard start`: the HTTP API and every configured chat adapter in one process. */
export async function startService(core: App, startAdapters?: AdapterStarter): Promise<Service> {
  const { config, logger } = core;
  let http: Server | null = null;
  let address: AddressInfo | null = null;
  if (config.NORMGUARD_HTTP_ENABLED) {
    const { createHttpServer, listen } = await import('./http/server.js');
    http = createHttpServer({
      assessor: core.assessor,
      health: () => core.inference.health(),
      verdicts: () => verdictStatus(core),
      metrics: core.metrics,
      logger,
      apiToken: config.NORMGUARD_API_TOKEN,
      stats: { cases: core.store.repos.cases, activity: core.moderation.activity, clock: core.clock },
    });
    address = await listen(http, config.NORMGUARD_HTTP_HOST, config.NORMGUARD_HTTP_PORT);
    logger.info({ host: address.address, port: address.port }, 'HTTP API listening');
  }
  // Loading the model can take tens of seconds; start serving meanwhile and say how it went.
  void core.inference.warmUp();
  // A handful of content-free probes per frame; never blocks start-up (the calibrated method
  // waits for it, or falls back to the contrast, on first use).
  if (usesCalibration(config)) core.calibration.start();
  void reportOllama(core);
  let adapters: Awaited<ReturnType<AdapterStarter>> = [];
  try {
    adapters = (await startAdapters?.(core)) ?? [];
  } catch (err) {
    if (http) http.close();
    throw err;
  }
  return {
    http,
    address,
    adapters: adapters.map((a) => a.name),
    stop: async () => {
      await Promise.all(adapters.map((a) => a.stop().catch((err: unknown) => logger.warn({ err, adapter: a.name }, 'adapter did not stop cleanly'))));
      if (http) {
        const server = http;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
      }
      await core.close();
    },
  };
}

async function reportOllama(core: App): Promise<void> {
  for (const h of await core.inference.health()) {
    if (h.reachable && h.modelPresent) core.logger.info({ backend: h.url, thinking: h.thinking }, 'Ollama reachable and model installed');
    else core.logger.warn({ backend: h.url }, `Ollama not ready: ${h.error ?? 'unknown problem'}; audits will fail until it is (run \`normguard doctor\`)`);
  }
}

function usesCalibration(config: Config): boolean {
  return config.NORMGUARD_VERDICT_METHOD === 'calibrated' || config.NORMGUARD_PASSIVE_METHOD === 'calibrated';
}

/** What `/readyz` says about verdicts: the method, calibration, and whether it fell back. */
export function verdictStatus(core: Pick<Engine, 'config' | 'calibration'>): Record<string, unknown> {
  const calibration = core.calibration.status();
  const method = core.config.NORMGUARD_VERDICT_METHOD;
  const fallback =
    method === 'calibrated' && calibration.state === 'no-logprobs'
      ? 'the model returns no logprobs (Ollama 0.12.11 or newer needed, and no proxy that drops them): verdicts use the two-frame contrast'
      : undefined;
  return { method, passiveMethod: core.config.NORMGUARD_PASSIVE_METHOD, calibration, ...(fallback ? { fallback } : {}) };
}
