import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Assessor } from '../assessment/assessor.js';
import type { Clock } from '../clock.js';
import { BadInputError, NormguardError, isModelUnavailable } from '../errors.js';
import type { BackendHealth } from '../inference/types.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { DecisionCounters } from '../moderation/activity-log.js';
import { caseStats } from '../moderation/stats.js';
import type { ListOptions } from '../store/case-repository.js';
import type { ReviewCase } from '../store/case.js';
import { assessBodySchema } from './assess-body.js';
import { bearerMatches } from './auth.js';
import { queryObject, statsQuerySchema } from './stats-query.js';

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
}

export interface StatsDeps {
  cases: { listByWorkspace(workspaceId: string, options?: ListOptions): Promise<ReviewCase[]> };
  activity: { counters(workspaceId: string, since: number): Promise<DecisionCounters> };
  clock: Clock;
}

const DAY_MS = 24 * 60 * 60_000;
const DEFAULT_STATS_DAYS = 30;
/** Cases read for one stats answer; as `/ethics stats` reads them. */
const STATS_CASE_LIMIT = 10_000;

const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? body.error));
  }
}

/** The HTTP API: POST /v1/assess for pipelines, GET /v1/stats for dashboards, plus health, readiness and Prometheus metrics. */
export function createHttpServer(deps: HttpDeps): Server {
  const log = deps.logger.child({ component: 'http' });
  return createServer((req, res) => {
    const started = performance.now();
    const route = routeName(req);
    handle(req, res, route, deps)
      .catch((err: unknown) => {
        if (err instanceof HttpError) return send(res, err.status, err.body, err.headers);
        log.error({ err, route }, 'unhandled error in HTTP handler');
        return send(res, 500, { error: 'internal', message: 'internal error; see the server log' });
      })
      .finally(() => {
        deps.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
        deps.metrics.httpLatency.observe({ route }, (performance.now() - started) / 1000);
      });
  });
}

function routeName(req: IncomingMessage): string {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  return ['/healthz', '/readyz', '/metrics', '/v1/assess', '/v1/stats'].includes(path) ? path : 'other';
}

async function handle(req: IncomingMessage, res: ServerResponse, route: string, deps: HttpDeps): Promise<void> {
  const method = req.method ?? 'GET';
  switch (route) {
    case '/healthz':
      return send(res, 200, { status: 'ok' });
    case '/readyz': {
      const backends = await deps.health();
      const ready = backends.some((b) => b.reachable && b.modelPresent && b.breaker !== 'open');
      return send(res, ready ? 200 : 503, { ready, backends, ...(deps.verdicts ? { verdicts: deps.verdicts() } : {}) });
    }
    case '/metrics': {
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(text);
      return;
    }
    case '/v1/assess': {
      if (method !== 'POST') throw new HttpError(405, { error: 'method_not_allowed', message: 'use POST' }, { allow: 'POST' });
      authorize(req, deps);
      return assess(req, res, deps);
    }
    case '/v1/stats': {
      if (method !== 'GET') throw new HttpError(405, { error: 'method_not_allowed', message: 'use GET' }, { allow: 'GET' });
      authorize(req, deps);
      return stats(req, res, deps);
    }
    default:
      throw new HttpError(404, { error: 'not_found', message: `no route ${method} ${req.url}` });
  }
}

function authorize(req: IncomingMessage, deps: HttpDeps): void {
  if (deps.apiToken && !bearerMatches(req.headers.authorization, deps.apiToken)) {
    throw new HttpError(401, { error: 'unauthorized', message: 'send Authorization: Bearer <NORMGUARD_API_TOKEN>' }, { 'www-authenticate': 'Bearer' });
  }
}

/** GET /v1/stats?workspace=ID&days=N: the numbers of `/ethics stats`, for dashboards. */
async function stats(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  if (!deps.stats) throw new HttpError(503, { error: 'no_store', message: 'stats need the store' });
  const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const parsed = statsQuerySchema.safeParse(queryObject(search));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(query)', message: i.message }));
    throw new HttpError(400, { error: 'bad_input', message: 'the query has invalid parameters', problems });
  }
  const { workspace, days = DEFAULT_STATS_DAYS } = parsed.data;
  const since = deps.stats.clock.now() - days * DAY_MS;
  const [cases, decisions] = await Promise.all([
    deps.stats.cases.listByWorkspace(workspace, { since, limit: STATS_CASE_LIMIT }),
    deps.stats.activity.counters(workspace, since),
  ]);
  send(res, 200, { workspace, days, ...caseStats(cases, since), decisions });
}

async function assess(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, { error: 'unsupported_media_type', message: 'send a JSON body with content-type: application/json' });
  }
  const raw = await readBody(req);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new HttpError(400, { error: 'bad_input', message: 'the body is not valid JSON', problems: [] });
  }
  const parsed = assessBodySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    throw new HttpError(400, { error: 'bad_input', message: 'the body has invalid fields', problems });
  }
  const body = parsed.data;
  // A client that goes away frees its model slot instead of holding it to the end.
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  try {
    const assessment = await deps.assessor.assess({
      strategy: body.strategy,
      fields: { situation: body.situation, intent: body.intent, action: body.action, norm: body.norm },
      method: body.method,
      priority: 'interactive',
      signal: abort.signal,
    });
    deps.metrics.assessments.inc({ strategy: assessment.strategy, verdict: assessment.verdict, cached: String(assessment.cached === true) });
    send(res, 200, assessment);
  } catch (err) {
    if (err instanceof BadInputError) {
      throw new HttpError(400, { error: 'bad_input', message: err.message, problems: err.problems.map((p) => ({ field: p.field, message: p.message })) });
    }
    if (isModelUnavailable(err)) {
      throw new HttpError(503, { error: err.code.toLowerCase(), message: err.message }, { 'retry-after': '30' });
    }
    if (err instanceof NormguardError) throw new HttpError(502, { error: err.code.toLowerCase(), message: err.message });
    throw err;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Drain the rest unread so the 413 still reaches the client.
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, { error: 'payload_too_large', message: `the body is over ${MAX_BODY_BYTES} bytes` }, { connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
