import type { FastifyInstance } from 'fastify';
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

/** More on the HTTP server, started by the entry point (the web dashboard); null when switched off. */
export type WebStarter = (core: App) => Promise<{ plugin: (app: FastifyInstance) => Promise<void>; trustProxy: boolean | string; close(): Promise<void> } | null>;

export interface ServiceOptions {
  web?: WebStarter;
}

/** `normguard start`: the HTTP API, the dashboard when configured, and every configured chat adapter in one process. */
export async function startService(core: App, startAdapters?: AdapterStarter, options: ServiceOptions = {}): Promise<Service> {
  const { config, logger } = core;
  let http: Server | null = null;
  let address: AddressInfo | null = null;
  let httpApp: FastifyInstance | null = null;
  const web = config.NORMGUARD_HTTP_ENABLED ? ((await options.web?.(core)) ?? null) : null;
  if (config.NORMGUARD_HTTP_ENABLED) {
    const { createHttpServer, listen } = await import('./http/server.js');
    httpApp = await createHttpServer({
      plugins: web ? [web.plugin] : [],
      trustProxy: web?.trustProxy ?? false,
      assessor: core.assessor,
      health: () => core.inference.health(),
      verdicts: () => verdictStatus(core),
      metrics: core.metrics,
      logger,
      apiToken: config.NORMGUARD_API_TOKEN,
      stats: { cases: core.store.repos.cases, activity: core.moderation.activity, clock: core.clock },
    });
    address = await listen(httpApp, config.NORMGUARD_HTTP_HOST, config.NORMGUARD_HTTP_PORT);
    http = httpApp.server;
    logger.info({ host: address.address, port: address.port, dashboard: web ? config.NORMGUARD_PUBLIC_URL : 'off' }, 'HTTP API listening');
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
    await httpApp?.close();
    await web?.close();
    throw err;
  }
  return {
    http,
    address,
    adapters: adapters.map((a) => a.name),
    stop: async () => {
      await Promise.all(adapters.map((a) => a.stop().catch((err: unknown) => logger.warn({ err, adapter: a.name }, 'adapter did not stop cleanly'))));
      await httpApp?.close();
      await web?.close();
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
