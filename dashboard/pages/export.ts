import { isoDate } from '../format.js';
import { html } from '../html.js';
import { page, wsPath, type PageContext } from './layout.js';

export function exportPage(ctx: PageContext, now: number, problems: string[] = []): string {
  const from = isoDate(now - 30 * 86_400_000);
  const body = html`${problems.length > 0 ? html`<div class="notice problem" role="alert">${problems.map((p) => html`<p>${p}</p>`)}</div>` : ''}
<p>Download the cases opened in a period, with their verdicts and decisions. The export is recorded in the audit log.</p>
<form method="get" action="${wsPath(ctx.workspace, 'export/download')}" class="filters">
<div><label for="x-from">From</label><input id="x-from" name="from" type="date" required value="${from}"></div>
<div><label for="x-to">To (inclusive)</label><input id="x-to" name="to" type="date" required value="${isoDate(now)}"></div>
<div><label for="x-format">Format</label><select id="x-format" name="format"><option value="csv">CSV</option><option value="json">JSON</option></select></div>
<div class="actions"><button type="submit" class="primary">Download</button></div>
</form>`;
  return page('Export', body, ctx, 'export');
}
