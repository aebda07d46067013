import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReviewCase } from '../../src/store/case.js';
import { refuse, sendPage, pageContext, type DashboardDeps } from '../context.js';
import { decisionOf, scoreOf } from '../format.js';
import { exportPage } from '../pages/export.js';
import { caseIn } from './pages.js';

const DAY_MS = 86_400_000;
const EXPORT_LIMIT = 50_000;
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01').refine((s) => !Number.isNaN(Date.parse(s)), 'must be a real date');
const exportQuery = z
  .object({ from: date, to: date, format: z.enum(['csv', 'json'], { error: 'must be csv or json' }).default('csv') })
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), { message: 'must not be after "to"', path: ['from'] });

/** Machine-readable views: one case as JSON, the export, and the live event stream. */
export async function dataRoutes(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  app.get('/api/w/:ws/cases/:id', async (request, reply) => {
    const c = await caseIn(deps, request.workspace!.id, (request.params as { id: string }).id);
    if (!c) return refuse(request, reply, 404, 'There is no such case in this workspace.');
    return c;
  });

  app.get('/w/:ws/export/download', async (request, reply) => {
    const parsed = exportQuery.safeParse(request.query);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'period')}: ${i.message}`);
      return sendPage(reply, exportPage(pageContext(request, reply), deps.clock.now(), problems), 400);
    }
    const { from, to, format } = parsed.data;
    const workspace = request.workspace!;
    const start = Date.parse(from);
    const end = Date.parse(to) + DAY_MS;
    const cases = (await deps.cases.listByWorkspace(workspace.id, { since: start, limit: EXPORT_LIMIT })).filter((c) => c.createdAt < end).reverse();
    const session = request.dash!.session;
    await deps.audit.record(workspace.id, { actorId: session.userId, actorName: session.name, action: 'export', target: `${from}..${to}`, detail: `${cases.length} cases as ${format}` });
    const name = `normguard-${workspace.id}-${from}-${to}.${format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
    if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(cases.map(exportRow), null, 1));
    return reply.type('text/csv; charset=utf-8').send(toCsv(cases.map(exportRow)));
  });

  // Each open page holds one stream; a client opening them in a loop is slowed down.
  app.get('/w/:ws/events', { config: { rateLimit: { max: 30, timeWindow: 60_000 } } }, async (request, reply) => {
    const workspaceId = request.workspace!.id;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const unsubscribe = deps.feed.subscribe(workspaceId, (change) => res.write(`event: case\ndata: ${JSON.stringify(change)}\n\n`));
    // A comment now and then keeps proxies from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    heartbeat.unref();
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}

function exportRow(c: ReviewCase) {
  const d = decisionOf(c);
  return {
    id: c.id,
    createdAt: new Date(c.createdAt).toISOString(),
    platform: c.platform,
    channelId: c.channelId,
    authorId: c.authorId,
    authorName: c.authorName,
    source: c.source,
    status: c.status,
    verdict: c.assessment.verdict,
    severity: c.assessment.severity,
    score: scoreOf(c),
    method: c.assessment.method,
    norm: c.assessment.norm,
    rule: c.rule,
    decidedBy: d?.actor ?? null,
    decidedAt: d ? new Date(d.at).toISOString() : null,
    reason: d?.reason ?? null,
    messageText: c.messageText,
  };
}

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote. */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const header = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\r\n')}\r\n`;
}
