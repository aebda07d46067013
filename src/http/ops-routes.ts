import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './server.js';

/** Liveness, readiness (the truth about Ollama) and Prometheus metrics. */
export async function opsRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const backends = await deps.health();
    const ready = backends.some((b) => b.reachable && b.modelPresent && b.breaker !== 'open');
    return reply.code(ready ? 200 : 503).send({ ready, backends, ...(deps.verdicts ? { verdicts: deps.verdicts() } : {}) });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}
