import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CaseEvent } from '../../src/moderation/lifecycle.js';
import { pageContext, refuse, sendPage, type DashboardDeps } from '../context.js';
import { TIMEOUT_CHOICES } from '../pages/case.js';
import { wsPath } from '../pages/layout.js';
import { settingsPage } from '../pages/settings.js';
import { applyConfigChange, checkSettingsChange } from '../settings-form.js';
import { channelDirectory } from './channels.js';
import { caseIn } from './pages.js';

const POST_RATE = { rateLimit: { max: 60, timeWindow: 60_000 } };
const DONE: Record<string, string> = { uphold: 'upheld', dismiss: 'dismissed', enforce: 'enforced', 'appeal-accept': 'appeal', 'appeal-deny': 'appeal' };

/** Every change: CSRF-checked, rate-limited, recorded in the audit log. */
export async function actionRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const channels = channelDirectory(deps);
  const guarded = { preHandler: app.csrfProtection, config: POST_RATE };

  app.post('/w/:ws/cases/:id/:action', guarded, async (request, reply) => {
    const { id, action } = request.params as { id: string; action: string };
    const session = request.dash!.session;
    const workspace = request.workspace!;
    const c = await caseIn(deps, workspace.id, id);
    if (!c) return refuse(request, reply, 404, 'There is no such case in this workspace.');
    const event = eventFor(action, session.userId, request.body as Record<string, unknown> | undefined);
    if (!event) return refuse(request, reply, 404, 'There is no such action.');
    const result = await deps.decisions.decide(c, event);
    const back = wsPath(workspace, `cases/${c.id}`);
    // Signed, so a crafted link cannot make the dashboard display someone else's words.
    const problem = (text: string) => `${back}?problem=${encodeURIComponent(reply.signCookie(text.slice(0, 500)))}`;
    if (!result.ok) return reply.redirect(problem(result.message), 303);
    deps.feed.poke(workspace.id);
    const reason = 'reason' in event ? event.reason : null;
    await deps.audit.record(workspace.id, { actorId: session.userId, actorName: session.name, action: `case.${action}`, target: c.id, detail: [event.type === 'enforce' ? event.action : null, reason].filter(Boolean).join(': ') || null });
    if (result.problems.length > 0) return reply.redirect(problem(result.problems.join(' ')), 303);
    return reply.redirect(`${back}?done=${DONE[action] ?? 'enforced'}`, 303);
  });

  app.get('/w/:ws/settings', async (request, reply) => {
    if (!request.workspace!.admin) return refuse(request, reply, 403, 'Only admins can change normguard’s settings.');
    return renderSettings(request, reply, null);
  });

  app.post('/w/:ws/settings', guarded, async (request, reply) => {
    const workspace = request.workspace!;
    const session = request.dash!.session;
    if (!workspace.admin) return refuse(request, reply, 403, 'Only admins can change normguard’s settings.');
    const checked = checkSettingsChange((request.body ?? {}) as Record<string, unknown>);
    if (!checked.ok) return renderSettings(request, reply, { kind: 'problem', lines: checked.problems.map((p) => p.message) }, 400);
    await deps.settings.update(workspace.id, (s) => applyConfigChange(s, checked.change));
    const { channel, ...rest } = checked.change;
    await deps.audit.record(workspace.id, { actorId: session.userId, actorName: session.name, action: 'settings.update', target: channel ?? null, detail: JSON.stringify(channel ? checked.change : rest) });
    return renderSettings(request, reply, { kind: 'ok', lines: ['Saved. The bot uses the new settings from its next message.'] });
  });

  async function renderSettings(request: FastifyRequest, reply: FastifyReply, flash: { kind: 'ok' | 'problem'; lines: string[] } | null, status = 200) {
    const ctx = pageContext(request, reply);
    const settings = await deps.settings.get(ctx.workspace.id);
    const known = await channels(ctx.workspace, await deps.cases.listByWorkspace(ctx.workspace.id, { limit: 200 }));
    return sendPage(reply, settingsPage(ctx, { settings, channels: known, flash }), status);
  }
}

/** The lifecycle event a dashboard form stands for: the same events the card's buttons send. */
function eventFor(action: string, actor: string, body: Record<string, unknown> | undefined): CaseEvent | null {
  const reason = typeof body?.reason === 'string' && body.reason.trim() ? body.reason.trim().slice(0, 1500) : null;
  switch (action) {
    case 'uphold':
      return { type: 'uphold', actor };
    case 'dismiss':
      return { type: 'dismiss', actor, reason };
    case 'appeal-accept':
      return { type: 'appeal-accept', actor };
    case 'appeal-deny':
      return { type: 'appeal-deny', actor, reason };
    case 'enforce': {
      if (body?.action === 'delete') return { type: 'enforce', actor, action: 'delete' };
      const choice = TIMEOUT_CHOICES[String(body?.duration) as keyof typeof TIMEOUT_CHOICES];
      if (body?.action === 'timeout' && choice) return { type: 'enforce', actor, action: 'timeout', durationMs: choice.ms };
      return null;
    }
    default:
      return null;
  }
}
