import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { BadInputError, NormguardError, isModelUnavailable } from '../errors.js';
import { caseStats } from '../moderation/stats.js';
import { assessBodySchema } from './assess-body.js';
import { bearerMatches } from './auth.js';
import { badInput, HttpError, retryAfterSeconds, zodProblems } from './errors.js';
import type { HttpDeps } from './server.js';
import { queryObject, statsQuerySchema } from './stats-query.js';

const DAY_MS = 24 * 60 * 60_000;
const DEFAULT_STATS_DAYS = 30;
/** Cases read for one stats answer; as `/ethics stats` reads them. */
const STATS_CASE_LIMIT = 10_000;
const ALL_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The machine API under /v1: bearer-token protected when a token is configured. */
export async function apiRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const authorize = async (request: FastifyRequest) => {
    if (deps.apiToken && !bearerMatches(request.headers.authorization, deps.apiToken)) {
      throw new HttpError(401, { error: 'unauthorized', message: 'send Authorization: Bearer <NORMGUARD_API_TOKEN>' }, { 'www-authenticate': 'Bearer' });
    }
  };
  app.post('/v1/assess', { preHandler: authorize }, (request, reply) => assess(request, reply, deps));
  app.get('/v1/stats', { preHandler: authorize }, (request) => stats(request, deps));
  onlyMethod(app, '/v1/assess', 'POST');
  onlyMethod(app, '/v1/stats', 'GET');
}

/** 405 with `Allow` for the other methods, rather than Fastify's 404. */
function onlyMethod(app: FastifyInstance, url: string, allowed: 'GET' | 'POST'): void {
  const others = ALL_METHODS.filter((m) => m !== allowed && !(allowed === 'GET' && m === 'HEAD'));
  app.route({
    method: others,
    url,
    handler: async () => {
      throw new HttpError(405, { error: 'method_not_allowed', message: `use ${allowed}` }, { allow: allowed });
    },
  });
}

/** GET /v1/stats?workspace=ID&days=N: the numbers of `/ethics stats`, for dashboards. */
async function stats(request: FastifyRequest, deps: HttpDeps) {
  if (!deps.stats) throw new HttpError(503, { error: 'no_store', message: 'stats need the store' });
  const search = new URL(request.url, 'http://localhost').searchParams;
  const parsed = statsQuerySchema.safeParse(queryObject(search));
  if (!parsed.success) throw badInput(zodProblems(parsed.error, '(query)'), 'the query has invalid parameters');
  const { workspace, days = DEFAULT_STATS_DAYS } = parsed.data;
  const since = deps.stats.clock.now() - days * DAY_MS;
  const [cases, decisions] = await Promise.all([
    deps.stats.cases.listByWorkspace(workspace, { since, limit: STATS_CASE_LIMIT }),
    deps.stats.activity.counters(workspace, since),
  ]);
  return { workspace, days, ...caseStats(cases, since), decisions };
}

async function assess(request: FastifyRequest, reply: FastifyReply, deps: HttpDeps) {
  // Fastify would also parse text/plain; the API speaks JSON only.
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    throw new HttpError(415, { error: 'unsupported_media_type', message: 'send a JSON body with content-type: application/json' });
  }
  const parsed = assessBodySchema.safeParse(request.body);
  if (!parsed.success) throw badInput(zodProblems(parsed.error, '(body)'), 'the body has invalid fields');
  const body = parsed.data;
  // A client that goes away frees its model slot instead of holding it to the end.
  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
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
    return assessment;
  } catch (err) {
    if (err instanceof BadInputError) throw badInput(err.problems, 'the body has invalid fields');
    if (isModelUnavailable(err)) {
      throw new HttpError(503, { error: err.code.toLowerCase(), message: err.message }, { 'retry-after': retryAfterSeconds(err.retryAfterMs) });
    }
    if (err instanceof NormguardError) throw new HttpError(502, { error: err.code.toLowerCase(), message: err.message });
    throw err;
  }
}
