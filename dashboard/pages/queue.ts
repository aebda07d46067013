import { verdictMethodSchema } from '../../src/assessment/types.js';
import type { ReviewCase } from '../../src/store/case.js';
import { scoreOf, when } from '../format.js';
import { html, type Html } from '../html.js';
import type { QueueFilter } from '../queue-filter.js';
import { page, wsPath, type PageContext } from './layout.js';

export interface QueueView {
  cases: ReviewCase[];
  filter: QueueFilter;
  problems: string[];
  channels: Array<{ id: string; name: string }>;
  norms: string[];
}

const STATUSES = [
  ['open', 'Open'],
  ['upheld', 'Upheld'],
  ['dismissed', 'Dismissed'],
  ['all', 'All'],
] as const;

export function queuePage(ctx: PageContext, v: QueueView): string {
  const body = html`${v.problems.length > 0 ? html`<div class="notice" role="alert"><p>Some filters were not applied:</p><ul>${v.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
${filters(ctx, v)}
<p id="live-status" class="live" role="status" aria-live="polite"></p>
<div id="queue" data-live="${wsPath(ctx.workspace, 'events')}">${queueTable(ctx, v.cases, v.channels)}</div>`;
  return page('Queue', body, ctx, 'queue');
}

export function queueTable(ctx: PageContext, cases: readonly ReviewCase[], channels: ReadonlyArray<{ id: string; name: string }>): Html {
  if (cases.length === 0) return html`<p class="empty">No cases match these filters.</p>`;
  const names = new Map(channels.map((c) => [c.id, c.name]));
  return html`<table class="cases">
<caption>${cases.length} case${cases.length === 1 ? '' : 's'}, open first</caption>
<thead><tr><th scope="col">Case</th><th scope="col">Opened</th><th scope="col">Channel</th><th scope="col">Author</th><th scope="col">Verdict</th><th scope="col">Score</th><th scope="col">Norm</th><th scope="col">Status</th></tr></thead>
<tbody>${cases.map((c) => {
    const score = scoreOf(c);
    return html`<tr id="row-${c.id}" data-status="${c.status}">
<th scope="row"><a href="${wsPath(ctx.workspace, `cases/${c.id}`)}">${c.id}</a></th>
<td data-label="Opened">${when(c.createdAt)}</td>
<td data-label="Channel">#${names.get(c.channelId) ?? c.channelId}</td>
<td data-label="Author">${c.authorName || c.authorId}</td>
<td data-label="Verdict">${c.assessment.verdict} · ${c.assessment.severity}<span class="sub">${c.assessment.method}</span></td>
<td data-label="Score">${score === null ? '—' : score.toFixed(2)}</td>
<td data-label="Norm">${c.assessment.norm ?? '—'}</td>
<td data-label="Status"><span class="status status-${c.status}">${c.status}</span></td>
</tr>`;
  })}</tbody></table>`;
}

function filters(ctx: PageContext, v: QueueView): Html {
  const f = v.filter;
  const selected = (on: boolean) => (on ? html` selected` : '');
  return html`<form class="filters" method="get" action="${wsPath(ctx.workspace, 'queue')}" role="search">
<div><label for="f-status">Status</label><select id="f-status" name="status">${STATUSES.map(([value, label]) => html`<option value="${value}"${selected(f.status === value)}>${label}</option>`)}</select></div>
<div><label for="f-channel">Channel</label><select id="f-channel" name="channel"><option value="">Any</option>${v.channels.map((c) => html`<option value="${c.id}"${selected(f.channel === c.id)}>#${c.name}</option>`)}</select></div>
<div><label for="f-norm">Norm</label><select id="f-norm" name="norm"><option value="">Any</option>${v.norms.map((n) => html`<option value="${n}"${selected(f.norm === n)}>${n.length > 60 ? `${n.slice(0, 57)}…` : n}</option>`)}</select></div>
<div><label for="f-from">From</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
<div><label for="f-to">To</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
<div><label for="f-smin">Score at least</label><input id="f-smin" name="score_min" type="number" min="0" max="1" step="0.05" inputmode="decimal" value="${f.score_min ?? ''}"></div>
<div><label for="f-smax">Score at most</label><input id="f-smax" name="score_max" type="number" min="0" max="1" step="0.05" inputmode="decimal" value="${f.score_max ?? ''}"></div>
<div><label for="f-method">Method</label><select id="f-method" name="method"><option value="">Any</option>${verdictMethodSchema.options.map((m) => html`<option value="${m}"${selected(f.method === m)}>${m}</option>`)}</select></div>
<div class="grow"><label for="f-q">Search</label><input id="f-q" name="q" type="search" value="${f.q ?? ''}" placeholder="message, author, norm, case id"></div>
<div class="actions"><button type="submit">Filter</button> <a href="${wsPath(ctx.workspace, 'queue')}">Reset</a></div>
</form>`;
}
