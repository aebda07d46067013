import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReviewCase } from '../../src/store/case.js';
import { pageContext, refuse, sendPage, type DashboardDeps } from '../context.js';
import { auditPage, type AuditRow } from '../pages/audit.js';
import { caseBody, casePage } from '../pages/case.js';
import { exportPage } from '../pages/export.js';
import { queuePage, queueTable } from '../pages/queue.js';
import { statsPage } from '../pages/stats.js';
import { filterCases, queueFilterSchema } from '../queue-filter.js';
import { dashboardStats } from '../stats-data.js';
import { channelDirectory } from './channels.js';

/** Cases read for the queue, the stats and the audit log: a workspace's newest. */
export const CASES_READ = 2_000;
const DAY_MS = 86_400_000;
const FLASHES: Record<string, { kind: 'ok' | 'problem'; text: string }> = {
  upheld: { kind: 'ok', text: 'Upheld. The card in chat was updated.' },
  dismissed: { kind: 'ok', text: 'Dismissed. The card in chat was updated.' },
  enforced: { kind: 'ok', text: 'Done. The card in chat was updated.' },
  appeal: { kind: 'ok', text: 'Appeal decided. The card in chat was updated.' },
};

export async function pageRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const channels = channelDirectory(deps);

  app.get('/w/:ws/queue', async (request, reply) => {
    const ctx = pageContext(request, reply);
    const parsed = queueFilterSchema.safeParse(request.query);
    const filter = parsed.success ? parsed.data : queueFilterSchema.parse({});
    const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? 'filter')}: ${i.message}`);
    const all = await deps.cases.listByWorkspace(ctx.workspace.id, { limit: CASES_READ });
    const cases = filterCases(all, filter);
    const fragment = request.headers['x-fragment'] === 'queue';
    const known = await channels(ctx.workspace, all);
    if (fragment) return sendPage(reply, queueTable(ctx, cases, known).text);
    const norms = [...new Set(all.map((c) => c.assessment.norm).filter((n): n is string => Boolean(n)))].sort();
    return sendPage(reply, queuePage(ctx, { cases, filter, problems, channels: known, norms }));
  });

  app.get('/w/:ws/cases/:id', async (request, reply) => {
    const ctx = pageContext(request, reply);
    const c = await caseIn(deps, ctx.workspace.id, (request.params as { id: string }).id);
    if (!c) return refuse(request, reply, 404, 'There is no such case in this workspace.');
    const known = await channels(ctx.workspace, [c]);
    const done = (request.query as Record<string, unknown>).done;
    const problem = (request.query as Record<string, unknown>).problem;
    const signed = typeof problem === 'string' ? request.unsignCookie(problem) : null;
    const flash = signed?.valid && signed.value ? { kind: 'problem' as const, text: signed.value } : typeof done === 'string' ? (FLASHES[done] ?? null) : null;
    const names = new Map((await deps.audit.list(ctx.workspace.id, { limit: 500 })).map((e) => [e.actorId, e.actorName] as const));
    const view = { c, channelName: known.find((k) => k.id === c.channelId)?.name ?? null, flash, names };
    if (request.headers['x-fragment'] === 'case') return sendPage(reply, caseBody(ctx, view).text);
    return sendPage(reply, casePage(ctx, view));
  });

  app.get('/w/:ws/stats', async (request, reply) => {
    const ctx = pageContext(request, reply);
    const days = z.coerce.number().int().min(1).max(365).catch(30).parse((request.query as Record<string, unknown>).days ?? 30);
    const now = deps.clock.now();
    const since = now - days * DAY_MS;
    const [cases, counters] = await Promise.all([deps.cases.listByWorkspace(ctx.workspace.id, { since, limit: 10_000 }), deps.activity.counters(ctx.workspace.id, since)]);
    return sendPage(reply, statsPage(ctx, dashboardStats(cases, counters, now, days)));
  });

  app.get('/w/:ws/audit', async (request, reply) => {
    const ctx = pageContext(request, reply);
    const [entries, cases] = await Promise.all([deps.audit.list(ctx.workspace.id, { limit: 2_000 }), deps.cases.listByWorkspace(ctx.workspace.id, { limit: 300 })]);
    const names = new Map(entries.map((e) => [e.actorId, e.actorName] as const));
    const fromChat: AuditRow[] = cases.flatMap((c) =>
      c.history
        .filter((h) => h.action !== 'opened' && h.action !== 'reported')
        .map((h) => ({ at: h.at, actorId: h.actor, actorName: names.get(h.actor) ?? h.actor, action: `case.${h.action}`, target: c.id, detail: h.reason, origin: 'chat' as const })),
    );
    // A dashboard decision is also on the case's history; show it once, as the dashboard's.
    const dashboardKeys = new Set(entries.map((e) => `${e.target}|${e.actorId}|${e.action}`));
    const rows: AuditRow[] = [
      ...entries.slice(0, 300).map((e) => ({ ...e, origin: 'dashboard' as const })),
      ...fromChat.filter((r) => !dashboardKeys.has(`${r.target}|${r.actorId}|${dashboardAction(r.action)}`)),
    ].sort((a, b) => b.at - a.at);
    return sendPage(reply, auditPage(ctx, rows.slice(0, 300)));
  });

  app.get('/w/:ws/export', async (request, reply) => sendPage(reply, exportPage(pageContext(request, reply), deps.clock.now())));
}

function dashboardAction(chatAction: string): string {
  return { 'case.upheld': 'case.uphold', 'case.dismissed': 'case.dismiss', 'case.appeal-accepted': 'case.appeal-accept', 'case.appeal-denied': 'case.appeal-deny' }[chatAction] ?? chatAction;
}

/** The case, only when it belongs to this workspace: another workspace's case id reads as absent. */
export async function caseIn(deps: DashboardDeps, workspaceId: string, id: string): Promise<ReviewCase | null> {
  if (!/^c_[a-z2-7]{10}$/.test(id)) return null;
  const c = await deps.cases.get(id);
  return c && c.workspaceId === workspaceId ? c : null;
}
