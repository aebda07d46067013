import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Assessor } from '../assessment/assessor.js';
import type { Clock } from '../clock.js';
import type { BackendHealth } from '../inference/types.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DecisionCounters } from '../moderation/activity-log.js';
import type { ListOptions } from '../store/case-repository.js';
import type { ReviewCase } from '../store/case.js';
import { apiRoutes } from './api-routes.js';
import { HttpError } from './errors.js';
import { opsRoutes } from './ops-routes.js';

export interface HttpDeps {
  assessor: Assessor;
  health: () => Promise<BackendHealth[]>;
  /** The verdict method and its calibration, for /readyz (optional: absent in some tests). */
  verdicts?: () => Record<string, unknown>;
  metrics: Metrics;
  logger: Logger;
  apiToken?: string;
  /** What GET /v1/stats reads; absent when the process runs without the store. */
  stats?: StatsDeps;
  /** More routes on the same server (the dashboard), registered after the API's. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** Behind a reverse proxy (the dashboard's public URL): trust its X-Forwarded-* headers. */
  trustProxy?: boolean | string;
}

export interface StatsDeps {
  cases: { listByWorkspace(workspaceId: string, options?: ListOptions): Promise<ReviewCase[]> };
  activity: { counters(workspaceId: string, since: number): Promise<DecisionCounters> };
  clock: Clock;
}

/** Requests bodies beyond this are refused with 413 before they are read into memory. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Routes whose metrics get their own label; everything else is counted as `other`. */
const NAMED_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/v1/assess', '/v1/stats']);

/**
 * The HTTP layer on Fastify: POST /v1/assess for pipelines, GET /v1/stats for dashboards, health,
 * readiness and Prometheus metrics, plus whatever plugins the caller mounts (the web dashboard).
 */
export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const log = deps.logger.child({ component: 'http' });
  const app = Fastify({
    logger: false, bodyLimit: MAX_BODY_BYTES, trustProxy: deps.trustProxy ?? false, return503OnClosing: false,
    // Open event streams (the dashboard's live queue) would otherwise hold close() forever.
    forceCloseConnections: true,
  });
  app.addHook('onResponse', async (request, reply) => {
    const path = request.routeOptions.url ?? 'other';
    const route = NAMED_ROUTES.has(path) ? path : 'other';
    deps.metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    deps.metrics.httpLatency.observe({ route }, reply.elapsedTime / 1000);
  });
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) return reply.code(err.status).headers(err.headers).send(err.body);
    const mapped = frameworkError(err);
    if (mapped) return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
    log.error({ err, route: request.routeOptions.url }, 'unhandled error in HTTP handler');
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));
  await app.register(opsRoutes, deps);
  await app.register(apiRoutes, deps);
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

/** Fastify's own refusals (body parsing, size, rate limit) in the API's error vocabulary. */
function frameworkError(err: FastifyError): HttpError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, { error: 'unsupported_media_type', message: 'send a JSON body with content-type: application/json' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, { error: 'bad_input', message: '(body): is required', problems: [{ field: '(body)', message: 'is required' }] });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, { error: 'bad_input', message: '(body): is not valid JSON', problems: [{ field: '(body)', message: 'is not valid JSON' }] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, { error: 'payload_too_large', message: `the body is over ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
  }
  if (err.statusCode === 429) return new HttpError(429, { error: 'rate_limited', message: err.message });
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new HttpError(err.statusCode, { error: 'bad_request', message: err.message });
  }
  return null;
}

export async function listen(app: FastifyInstance, host: string, port: number): Promise<AddressInfo> {
  await app.listen({ host, port });
  return app.server.address() as AddressInfo;
}
