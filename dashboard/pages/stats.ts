import { barChart, rateChart, reliabilityChart } from '../charts.js';
import { html } from '../html.js';
import type { DashboardStats } from '../stats-data.js';
import { page, wsPath, type PageContext } from './layout.js';

const PERIODS = [7, 30, 90, 365];

export function statsPage(ctx: PageContext, s: DashboardStats): string {
  const body = html`<form method="get" action="${wsPath(ctx.workspace, 'stats')}" class="filters"><div><label for="days">Period</label><select id="days" name="days">${PERIODS.map((d) => html`<option value="${d}"${d === s.days ? html` selected` : ''}>last ${d} days</option>`)}</select></div><div class="actions"><button type="submit">Show</button></div></form>
<p>${s.total} cases opened in the last ${s.days} days.</p>
<div class="charts">
<section><h2>Cases per day</h2>${barChart('per-day', 'Cases opened per day', s.perDay)}</section>
<section><h2>Upheld rate over time</h2>${rateChart('upheld', 'Share of decided cases upheld, by day of decision', s.upheldRate)}</section>
<section><h2>Time to decision</h2>${barChart('wait', 'Cases by time from opening to the moderators’ decision', s.timeToDecision)}</section>
<section><h2>Norms most flagged</h2>${s.norms.length === 0 ? html`<p class="empty">No cases in this period.</p>` : barChart('norms', 'Cases per norm, the ten most flagged', s.norms)}</section>
<section><h2>Score histogram</h2>${barChart('scores', 'Cases per score bin', s.scores)}${s.withoutScore > 0 ? html`<p class="sub">${s.withoutScore} cases have no score (assessed before scores were recorded, or by a method without one).</p>` : ''}</section>
<section><h2>Reliability</h2>${reliabilityChart('reliability', s.reliability)}</section>
<section><h2>Shadow mode: what would have happened</h2>${barChart('shadow', 'Shadow-mode decisions beside the live ones', [
    { label: 'would flag', value: s.shadow.wouldFlag },
    { label: 'would explain', value: s.shadow.wouldExplain },
    { label: 'flagged (live)', value: s.shadow.flagged },
    { label: 'explained (live)', value: s.shadow.explained },
  ])}<p>In shadow-mode channels normguard would have opened ${s.shadow.wouldFlag} cases and posted ${s.shadow.wouldExplain} explanations in this period; nothing was posted.</p></section>
</div>`;
  return page('Stats', body, ctx, 'stats');
}
