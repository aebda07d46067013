import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authRoutes } from './auth-routes.js';
import { refuse, SESSION_COOKIE, wantsHtml, type DashboardDeps } from './context.js';
import { actionRoutes } from './routes/actions.js';
import { dataRoutes } from './routes/data.js';
import { pageRoutes } from './routes/pages.js';
import { securityHeaders } from './security.js';
import { TtlCache, type Rights } from './platforms/types.js';
import type { SessionWorkspace } from '../src/store/session-repository.js';

/** Beside this file when run from source; from a build (dist/dashboard/ by tsc, or a bundle in dist/cli/), the source folder's. */
const STATIC_DIR = [new URL('./static/', import.meta.url), new URL('../../dashboard/static/', import.meta.url), new URL('../dashboard/static/', import.meta.url)].map((u) => fileURLToPath(u)).find((dir) => existsSync(join(dir, 'dashboard.css'))) ?? fileURLToPath(new URL('./static/', import.meta.url));
/** How long a rights check stands before the next change reads the platform again. */
const RIGHTS_TTL_MS = 30_000;

/** The dashboard as a Fastify plugin: its own cookies, CSRF, static files and rate limits, on the API's server. */
export function dashboardPlugin(deps: DashboardDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    securityHeaders(app, deps.publicUrl.startsWith('https://'));
    await app.register(fastifyCookie, { secret: deps.secret });
    await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
    await app.register(fastifyRateLimit, { global: false });
    await app.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'ng_csrf',
      cookieOpts: { path: '/', httpOnly: true, secure: true, sameSite: 'lax', signed: true },
      // Tokens are bound to the signed-in person: one taken from another session does not pass.
      getUserInfo: (request) => request.dash?.session.userId ?? '',
      csrfOpts: { hmacKey: deps.secret },
    });
    await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: 3_600_000, index: false });

    const rightsCache = new TtlCache<Rights | null>(RIGHTS_TTL_MS, () => deps.clock.now());
    const recheck = (w: SessionWorkspace, userId: string) => {
      const provider = deps.providers.find((p) => p.platform === w.platform);
      return provider ? rightsCache.get(`${w.platform}:${w.id}:${userId}`, () => provider.rights(w.id, userId)) : Promise.resolve(null);
    };

    app.decorateRequest('dash', null);
    app.decorateRequest('workspace', null);
    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const session = await deps.sessions.get(token);
      request.dash = session && token ? { token, session } : null;
    });
    // Everything under /w/:ws (and its API twin) needs a session that moderates that workspace.
    app.addHook('preHandler', async (request, reply) => {
      const ws = /^\/(?:api\/)?w\/([^/?]+)/.exec(request.url)?.[1];
      if (ws === undefined) return;
      if (!request.dash) {
        if (!wantsHtml(request)) return refuse(request, reply, 401, 'Sign in first.');
        return reply.redirect(`/login?error=expired&return_to=${encodeURIComponent(request.url)}`);
      }
      const id = decodeURIComponent(ws);
      request.workspace = request.dash.session.workspaces.find((w) => w.id === id) ?? null;
      if (!request.workspace) return refuse(request, reply, 403, 'You do not moderate this workspace.');
      if (request.method !== 'POST') return;
      // Every change re-reads the person's rights on the platform: a moderator whose role was
      // taken away cannot act on a session opened before, and loses that session.
      const rights = await recheck(request.workspace, request.dash.session.userId);
      if (!rights?.moderator) {
        await deps.sessions.revoke(request.dash.token);
        return refuse(request, reply, 403, 'You no longer moderate this workspace; please sign in again.');
      }
      request.workspace = { ...request.workspace, admin: rights.admin };
    });
    app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, request, reply) => {
      if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
        return refuse(request, reply, 403, 'This form has expired or did not come from the dashboard. Reload the page and try again.');
      }
      if (err.statusCode === 429) return reply.code(429).send({ error: 'rate_limited', message: err.message });
      deps.logger.error({ err, url: request.url.split('?')[0] }, 'dashboard error');
      return reply.code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500).send({ error: 'internal', message: 'internal error; see the server log' });
    });

    await app.register(authRoutes, deps);
    await app.register(pageRoutes, deps);
    await app.register(actionRoutes, deps);
    await app.register(dataRoutes, deps);
  };
}
