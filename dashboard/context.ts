import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../src/clock.js';
import type { Logger } from '../src/logger.js';
import type { ActivityLog } from '../src/moderation/activity-log.js';
import type { AuditRepository } from '../src/store/audit-repository.js';
import type { CaseRepository } from '../src/store/case-repository.js';
import type { Session, SessionRepository, SessionWorkspace } from '../src/store/session-repository.js';
import type { SettingsRepository } from '../src/store/settings-repository.js';
import type { CaseDecisions } from './decisions.js';
import type { CaseFeed } from './live.js';
import { messagePage, type PageContext } from './pages/layout.js';
import type { SignInProvider } from './platforms/types.js';

/** Everything the dashboard's routes use, built once by `createDashboard`. */
export interface DashboardDeps {
  publicUrl: string;
  providers: SignInProvider[];
  sessions: SessionRepository;
  audit: AuditRepository;
  cases: Pick<CaseRepository, 'get' | 'listByWorkspace'>;
  settings: SettingsRepository;
  activity: Pick<ActivityLog, 'counters'>;
  decisions: CaseDecisions;
  feed: CaseFeed;
  clock: Clock;
  logger: Logger;
  /** Signs the CSRF secret cookie and keys the CSRF HMAC; kept in the store so restarts keep forms valid. */
  secret: string;
  sessionTtlMs: number;
}

export const SESSION_COOKIE = 'ng_session';

declare module 'fastify' {
  interface FastifyRequest {
    dash: { token: string; session: Session } | null;
    workspace: SessionWorkspace | null;
  }
}

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  const session = request.dash!.session;
  return { session, workspace: request.workspace!, csrf: reply.generateCsrf({ userInfo: session.userId }) };
}

export function sendPage(reply: FastifyReply, htmlText: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(htmlText);
}

/** Wants HTML (a page) rather than JSON (the API, fetch from the page's script)? */
export function wantsHtml(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && !request.url.endsWith('/events') && (request.headers.accept ?? 'text/html').includes('text/html');
}

export function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 403 | 404, text: string): FastifyReply {
  if (!wantsHtml(request)) return reply.code(status).send({ error: status === 404 ? 'not_found' : status === 401 ? 'unauthorized' : 'forbidden', message: text });
  const ctx = request.dash && request.workspace ? pageContext(request, reply) : null;
  return sendPage(reply, messagePage(status === 404 ? 'Not found' : 'Not allowed', text, ctx, { href: '/', label: 'Back to the dashboard' }), status);
}

/** Only same-site paths: never `//host`, `/\host` or a full URL, so sign-in cannot be turned into an open redirect. */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 500) return null;
  return /^\/(?![/\\])[\w\-./?=&%~+:@,]*$/.test(value) ? value : null;
}
