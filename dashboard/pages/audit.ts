import type { AuditEntry } from '../../src/store/audit-repository.js';
import { when } from '../format.js';
import { html } from '../html.js';
import { page, wsPath, type PageContext } from './layout.js';

export interface AuditRow extends AuditEntry {
  /** Where the entry comes from: the dashboard itself, or a decision recorded on a case in chat. */
  origin: 'dashboard' | 'chat';
}

export function auditPage(ctx: PageContext, rows: readonly AuditRow[]): string {
  const body = html`<p>Who did what, newest first: actions taken in this dashboard and decisions recorded on cases from chat.</p>
${rows.length === 0 ? html`<p class="empty">Nothing recorded yet.</p>` : html`<table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">Detail</th><th scope="col">Where</th></tr></thead><tbody>${rows.map(
    (r) => html`<tr><td><time datetime="${new Date(r.at).toISOString()}">${when(r.at)}</time></td><td>${r.actorName || r.actorId}</td><td>${r.action}</td><td>${r.target && /^c_[a-z2-7]{10}$/.test(r.target) ? html`<a href="${wsPath(ctx.workspace, `cases/${r.target}`)}">${r.target}</a>` : (r.target ?? '')}</td><td>${r.detail ?? ''}</td><td>${r.origin}</td></tr>`,
  )}</tbody></table>`}`;
  return page('Audit log', body, ctx, 'audit');
}
