import { escapeHtml, html, raw, type Html } from './html.js';
import type { Bar, ReliabilityBin } from './stats-data.js';

// Small inline SVG charts drawn on the server: no script, no external library, nothing the CSP
// must allow. Each has a title and a description for screen readers and its numbers in a table.

const W = 480;
const H = 240;
const PAD = { left: 44, right: 12, top: 12, bottom: 40 };

function niceMax(max: number, integers = false): number {
  // Counts get four whole-number steps at least, never ticks like 0.5 printed as 1.
  if (integers && max <= 4) return 4;
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  const nice = Math.ceil(max / step) * step;
  return integers ? Math.ceil(nice / 4) * 4 : nice;
}

function frame(id: string, title: string, desc: string, body: string): Html {
  return raw(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMidYMid meet"><title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>${body}</svg>`,
  );
}

function axes(max: number, format: (v: number) => string): string {
  const plotH = H - PAD.top - PAD.bottom;
  let out = `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = H - PAD.bottom - (plotH * i) / 4;
    out += `<line x1="${PAD.left}" y1="${y}" x2="${W - PAD.right}" y2="${y}" class="grid"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${escapeHtml(format(v))}</text>`;
  }
  return out;
}

/** Vertical bars, one per label; every nth label is printed so long periods stay legible. */
export function barChart(id: string, title: string, bars: readonly Bar[], format: (v: number) => string = (v) => String(Math.round(v))): Html {
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)), true);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, bars.length);
  const every = Math.max(1, Math.ceil(bars.length / 6));
  let body = axes(max, format);
  bars.forEach((b, i) => {
    const h = (b.value / max) * plotH;
    const x = PAD.left + i * slot;
    body += `<rect x="${(x + slot * 0.15).toFixed(1)}" y="${(H - PAD.bottom - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" class="bar"><title>${escapeHtml(`${b.label}: ${format(b.value)}`)}</title></rect>`;
    if (i % every === 0) body += `<text x="${(x + slot / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" class="tick">${escapeHtml(tickLabel(b.label))}</text>`;
  });
  const desc = bars.map((b) => `${b.label}: ${format(b.value)}`).join('; ');
  return html`${frame(id, title, desc, body)}${dataTable(title, bars.map((b) => [b.label, format(b.value)]))}`;
}

/** A line over time for a share (0–1), with its points marked. */
export function rateChart(id: string, title: string, points: ReadonlyArray<Bar & { n: number }>): Html {
  if (points.length === 0) return html`<p class="empty">No decisions in this period yet.</p>`;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => H - PAD.bottom - v * plotH;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  let body = axes(1, pct);
  body += `<polyline class="line" fill="none" points="${points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`;
  points.forEach((p, i) => {
    body += `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" class="dot"><title>${escapeHtml(`${p.label}: ${pct(p.value)} of ${p.n}`)}</title></circle>`;
  });
  const every = Math.max(1, Math.ceil(points.length / 5));
  points.forEach((p, i) => {
    if (i % every === 0) body += `<text x="${x(i).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" class="tick">${escapeHtml(tickLabel(p.label))}</text>`;
  });
  return html`${frame(id, title, points.map((p) => `${p.label}: ${pct(p.value)} of ${p.n}`).join('; '), body)}${dataTable(title, points.map((p) => [p.label, `${pct(p.value)} of ${p.n}`]))}`;
}

/** Reliability: the share upheld against the mean score, per score bin; the diagonal is perfect calibration. */
export function reliabilityChart(id: string, bins: readonly ReliabilityBin[]): Html {
  if (bins.length === 0) return html`<p class="empty">No decided cases with a score in this period yet.</p>`;
  const x = (v: number) => PAD.left + v * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - v * (H - PAD.top - PAD.bottom);
  let body = axes(1, (v) => v.toFixed(2));
  body += `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" class="diagonal"/>`;
  body += `<text x="${x(0.5)}" y="${H - PAD.bottom + 30}" text-anchor="middle" class="tick">mean score in bin</text>`;
  for (const b of bins) {
    body += `<circle cx="${x(b.predicted).toFixed(1)}" cy="${y(b.upheld).toFixed(1)}" r="${Math.min(12, 3 + Math.sqrt(b.n))}" class="dot"><title>${escapeHtml(`score ${b.label}: ${Math.round(b.upheld * 100)}% upheld of ${b.n}`)}</title></circle>`;
  }
  const rows = bins.map((b) => [b.label, `${Math.round(b.upheld * 100)}% upheld of ${b.n} (mean score ${b.predicted.toFixed(2)})`] as [string, string]);
  return html`${frame(id, 'Reliability: share upheld by moderators against the model’s score', rows.map((r) => r.join(': ')).join('; '), body)}${dataTable('Reliability', rows)}`;
}

/** Axis labels stay short: a date as month-day (the table below has the full date), long names cut. */
function tickLabel(label: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return label.slice(5);
  return label.length > 14 ? `${label.slice(0, 13)}…` : label;
}

function dataTable(title: string, rows: ReadonlyArray<readonly [string, string]>): Html {
  return html`<details class="data"><summary>${title}: the numbers</summary><table><thead><tr><th scope="col">Label</th><th scope="col">Value</th></tr></thead><tbody>${rows.map(([a, b]) => html`<tr><td>${a}</td><td>${b}</td></tr>`)}</tbody></table></details>`;
}
