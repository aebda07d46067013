import type { ReviewCase } from '../../src/store/case.js';
import { decisionOf, scoreOf, when } from '../format.js';
import { html, type Html } from '../html.js';
import { page, wsPath, type PageContext } from './layout.js';

export interface CaseView {
  c: ReviewCase;
  channelName: string | null;
  /** Display names of people the store knows (moderators who signed in here), by platform id. */
  names: ReadonlyMap<string, string>;
  /** What the last action could not do on the platform, or why it was refused. */
  flash: { kind: 'ok' | 'problem'; text: string } | null;
}

export const TIMEOUT_CHOICES = { '10m': { ms: 10 * 60_000, label: '10 minutes' }, '1h': { ms: 3_600_000, label: '1 hour' }, '1d': { ms: 86_400_000, label: '1 day' } } as const;

export function casePage(ctx: PageContext, v: CaseView): string {
  const { c } = v;
  const body = html`${v.flash ? html`<p class="notice ${v.flash.kind}" role="${v.flash.kind === 'problem' ? 'alert' : 'status'}">${v.flash.text}</p>` : ''}
<p id="live-status" class="live" role="status" aria-live="polite"></p>
<div id="case" data-live="${wsPath(ctx.workspace, 'events')}" data-case="${c.id}">${caseBody(ctx, v)}</div>`;
  return page(`Case ${c.id}`, body, ctx, 'case');
}

export function caseBody(ctx: PageContext, v: CaseView): Html {
  const { c } = v;
  const score = scoreOf(c);
  const decided = decisionOf(c);
  return html`<p><span class="status status-${c.status}">${c.status}</span>${decided ? html` by ${actorName(ctx, v, decided.actor)} on ${when(decided.at)}${decided.reason ? html` — “${decided.reason}”` : ''}` : ''}</p>
<div class="grid">
<section aria-labelledby="h-message"><h2 id="h-message">The message</h2>
<blockquote class="message"><p class="who">${c.authorName || c.authorId}${c.authorIsNew ? html` <span class="tag">new member</span>` : ''} in #${v.channelName ?? c.channelId}</p><p>${c.messageText}</p></blockquote>
${c.messageUrl ? html`<p><a href="${safeUrl(c.messageUrl)}" rel="noopener noreferrer">Open in ${c.platform === 'slack' ? 'Slack' : 'Discord'}</a></p>` : ''}
${c.source === 'report' ? html`<p>Reported by ${c.reporterId ?? 'a member'}${c.reporterNote ? html`: “${c.reporterNote}”` : ''}</p>` : ''}
<h3>The conversation the model saw</h3>
${c.context.trim().length === 0 ? html`<p class="empty">No earlier messages.</p>` : html`<ol class="conversation">${c.context.split(' | ').map((line) => html`<li>${line}</li>`)}</ol>`}
</section>
<section aria-labelledby="h-verdict"><h2 id="h-verdict">What the model said</h2>
<dl class="facts">
<dt>Verdict</dt><dd>${c.assessment.verdict} (${c.assessment.severity})</dd>
<dt>Score</dt><dd>${score === null ? 'not available' : score.toFixed(2)}</dd>
<dt>Method</dt><dd>${c.assessment.method}</dd>
<dt>Norm</dt><dd>${c.assessment.norm ?? 'none named'}</dd>
<dt>Rule</dt><dd>${c.rule}</dd>
<dt>Summary</dt><dd>${c.assessment.summary || '—'}</dd>
</dl>
${c.assessment.text ? html`<details open><summary>The model’s answer</summary><div class="prose">${c.assessment.text.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)}</div></details>` : ''}
</section>
</div>
${c.appeal ? html`<section aria-labelledby="h-appeal"><h2 id="h-appeal">Appeal (${c.appeal.status})</h2><blockquote><p>${c.appeal.text}</p></blockquote></section>` : ''}
${actions(ctx, c)}
<section aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2>
<ol class="timeline">${c.history.map((h) => html`<li><time datetime="${new Date(h.at).toISOString()}">${when(h.at)}</time> <strong>${h.action}</strong> by ${actorName(ctx, v, h.actor)}${h.reason ? html` — ${h.reason}` : ''}</li>`)}</ol>
</section>`;
}

function actions(ctx: PageContext, c: ReviewCase): Html {
  const post = (path: string, label: string, extra: Html | string = '', cls = '') =>
    html`<form method="post" action="${wsPath(ctx.workspace, `cases/${c.id}/${path}`)}" class="action"><input type="hidden" name="_csrf" value="${ctx.csrf}">${extra}<button type="submit"${cls ? html` class="${cls}"` : ''}>${label}</button></form>`;
  const forms: Html[] = [];
  if (c.status === 'open') {
    forms.push(post('uphold', 'Uphold', '', 'primary'));
    const undoes = c.enforcement.messageDeleted || c.enforcement.timeoutUntil !== null;
    forms.push(
      post(
        'dismiss',
        undoes ? 'Dismiss and undo enforcement' : 'Dismiss',
        html`<label for="reason">Reason for dismissing (optional)</label><textarea id="reason" name="reason" rows="2" maxlength="1500"></textarea>`,
      ),
    );
  }
  const enforceable = c.status !== 'dismissed' && c.appeal?.status !== 'accepted';
  if (enforceable && !c.enforcement.messageDeleted && c.messageId) forms.push(post('enforce', 'Delete the message', html`<input type="hidden" name="action" value="delete">`));
  if (enforceable && c.platform === 'discord') {
    forms.push(
      post(
        'enforce',
        'Time the author out',
        html`<input type="hidden" name="action" value="timeout"><label for="duration">Timeout length</label><select id="duration" name="duration">${Object.entries(TIMEOUT_CHOICES).map(([k, t]) => html`<option value="${k}">${t.label}</option>`)}</select>`,
      ),
    );
  }
  if (c.appeal?.status === 'open') {
    forms.push(post('appeal-accept', 'Accept the appeal (undo)'));
    forms.push(post('appeal-deny', 'Deny the appeal', html`<label for="deny-reason">Reason the author will see</label><textarea id="deny-reason" name="reason" rows="2" maxlength="1500"></textarea>`));
  }
  if (forms.length === 0) return html``;
  return html`<section aria-labelledby="h-actions"><h2 id="h-actions">Decide</h2><div class="actions-row">${forms}</div></section>`;
}

function actorName(ctx: PageContext, v: CaseView, actor: string): string {
  if (actor === 'normguard') return 'normguard';
  if (actor === ctx.session.userId) return `${ctx.session.name} (you)`;
  if (actor === v.c.authorId && v.c.authorName) return `${v.c.authorName} (the author)`;
  return v.names.get(actor) ?? actor;
}

/** Only links to the platforms' own web addresses; anything else in a stored URL is not a link. */
function safeUrl(url: string): string {
  return /^https:\/\//.test(url) ? url : '#';
}
