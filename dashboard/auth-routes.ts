import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { generateCodeVerifier, generateState } from 'arctic';
import { SESSION_COOKIE, safeReturnTo, sendPage, type DashboardDeps } from './context.js';
import { wsPath } from './pages/layout.js';
import { loginPage } from './pages/login.js';
import { messagePage } from './pages/layout.js';
import { SignInError } from './platforms/types.js';

const AUTH_RATE = { rateLimit: { max: 20, timeWindow: 60_000 } };

/** Sign-in with each configured platform, the session cookie, and sign-out. */
export async function authRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  // Secure even on a loopback test URL: browsers treat http://127.0.0.1 and localhost as secure contexts.
  const cookie = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' as const };
  const log = deps.logger.child({ component: 'dashboard-auth' });

  app.get('/', async (request, reply) => {
    const session = request.dash?.session;
    if (!session) return reply.redirect('/login');
    const first = session.workspaces[0];
    return first ? reply.redirect(wsPath(first, 'queue')) : reply.redirect('/login');
  });

  app.get('/login', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const error = typeof q.error === 'string' ? q.error : null;
    return sendPage(reply, loginPage({ providers: deps.providers, returnTo: safeReturnTo(q.return_to), error }));
  });

  for (const provider of deps.providers) {
    app.get(`/auth/${provider.platform}`, { config: AUTH_RATE }, async (request, reply) => {
      const state = generateState();
      const verifier = generateCodeVerifier();
      const returnTo = safeReturnTo((request.query as Record<string, unknown>).return_to) ?? '/';
      await deps.sessions.savePending(state, { platform: provider.platform, verifier, returnTo });
      return reply.redirect(provider.authorizationUrl(state, verifier).toString());
    });

    app.get(`/auth/${provider.platform}/callback`, { config: AUTH_RATE }, async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      if (typeof q.error === 'string') return reply.redirect('/login?error=denied');
      const pending = typeof q.state === 'string' ? await deps.sessions.takePending(q.state) : null;
      if (!pending || pending.platform !== provider.platform || typeof q.code !== 'string') return reply.redirect('/login?error=state');
      try {
        const who = await provider.complete(q.code, pending.verifier);
        if (who.workspaces.length === 0) {
          log.info({ platform: provider.platform, user: who.userId }, 'dashboard sign-in refused: not a moderator anywhere normguard runs');
          return sendPage(reply, messagePage('Not a moderator here', `You are signed in to ${provider.platform === 'discord' ? 'Discord' : 'Slack'} as ${who.name}, but you do not moderate any server or workspace where normguard runs. Ask an admin to give you a moderator role.`, null, { href: '/login', label: 'Back to sign-in' }), 403);
        }
        const { token } = await deps.sessions.create({ userId: who.userId, name: who.name, platform: provider.platform, workspaces: who.workspaces });
        for (const w of who.workspaces) await deps.audit.record(w.id, { actorId: who.userId, actorName: who.name, action: 'sign-in', target: null, detail: provider.platform });
        reply.setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: Math.floor(deps.sessionTtlMs / 1000) });
        return reply.redirect(pending.returnTo === '/' ? wsPath(who.workspaces[0]!, 'queue') : pending.returnTo);
      } catch (err) {
        log.warn({ err: err instanceof SignInError ? err.message : err, platform: provider.platform }, 'dashboard sign-in failed');
        return reply.redirect('/login?error=failed');
      }
    });
  }

  app.post('/logout', { preHandler: app.csrfProtection, config: AUTH_RATE }, async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.dash) {
      await deps.sessions.revoke(request.dash.token);
      for (const w of request.dash.session.workspaces) await deps.audit.record(w.id, { actorId: request.dash.session.userId, actorName: request.dash.session.name, action: 'sign-out', target: null, detail: null });
    }
    reply.clearCookie(SESSION_COOKIE, cookie);
    return reply.redirect('/login');
  });
}
