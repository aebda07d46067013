import { esc } from './escape.js';
import { clip } from './format.js';
import type { Histogram } from './histogram.js';
import type { NormErrors } from './metrics.js';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

/** Round tick values for an axis from 0 to at least `max`; `integers` for counts. */
export function ticks(max: number, target = 5, integers = false): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = ([1, 2, 5, 10].find((s) => s * magnitude >= raw) ?? 10) * magnitude;
  const step = integers ? Math.max(1, Math.round(nice)) : nice;
  const top = Math.ceil(max / step) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export interface LatencyChartOptions {
  id: string;
  histogram: Histogram;
  p50: number | null;
  p95: number | null;
}

/** Latency distribution: one bar per bin, with the p50 and p95 marked. */
export function latencyHistogramSvg({ id, histogram, p50, p95 }: LatencyChartOptions): string {
  const width = 500;
  const height = 260;
  const m = { top: 24, right: 16, bottom: 44, left: 48 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" id="${esc(id)}" class="chart latency-histogram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Latency distribution" ${FONT} font-size="11">`);
  parts.push(`<title>Latency distribution (ms per item)</title>`);
  const { bins } = histogram;
  if (bins.length === 0) {
    parts.push(`<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">No answered items</text></svg>`);
    return parts.join('');
  }
  const xMax = (bins[bins.length - 1] as { to: number }).to;
  const yTicks = ticks(Math.max(...bins.map((b) => b.count)), 4, true);
  const yMax = yTicks[yTicks.length - 1] as number;
  const x = (v: number) => m.left + (v / xMax) * plotW;
  const y = (v: number) => m.top + plotH - (v / yMax) * plotH;
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${m.left}" x2="${m.left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke="#e4e4e7"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y(t) + 4}" text-anchor="end" fill="#52525b">${t}</text>`);
  }
  for (const b of bins) {
    const bx = x(b.from) + 1;
    const bw = Math.max(1, x(b.to) - x(b.from) - 2);
    parts.push(
      `<rect class="bar" data-from="${b.from}" data-to="${b.to}" data-count="${b.count}" x="${bx.toFixed(1)}" y="${y(b.count).toFixed(1)}" width="${bw.toFixed(1)}" height="${(m.top + plotH - y(b.count)).toFixed(1)}" fill="#4f7cac"><title>${fmt(b.from)}–${fmt(b.to)} ms: ${b.count} item(s)</title></rect>`,
    );
  }
  for (const t of ticks(xMax, 6).filter((v) => v <= xMax)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}" stroke="#52525b"/>`);
    parts.push(`<text x="${x(t)}" y="${m.top + plotH + 16}" text-anchor="middle" fill="#52525b">${fmt(t)}</text>`);
  }
  parts.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#52525b"/>`);
  parts.push(`<text x="${m.left + plotW / 2}" y="${height - 6}" text-anchor="middle" fill="#27272a">latency per item (ms)</text>`);
  parts.push(`<text x="12" y="${m.top + plotH / 2}" text-anchor="middle" fill="#27272a" transform="rotate(-90 12 ${m.top + plotH / 2})">items</text>`);
  // The markers' labels sit in a legend above the plot, where they cannot collide with each other or the edge.
  let legendX = width - m.right;
  for (const [name, value, colour] of [['p95', p95, '#b45309'], ['p50', p50, '#15803d']] as const) {
    if (value === null) continue;
    const px = x(Math.min(value, xMax));
    parts.push(`<line class="marker ${name}" x1="${px}" x2="${px}" y1="${m.top}" y2="${m.top + plotH}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    const label = `${name} ${Math.round(value)} ms`;
    parts.push(`<text class="marker-label" x="${legendX}" y="${m.top - 10}" fill="${colour}" text-anchor="end">${label}</text>`);
    legendX -= label.length * 6.2 + 20;
    parts.push(`<line x1="${legendX}" x2="${legendX + 14}" y1="${m.top - 14}" y2="${m.top - 14}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    legendX -= 14;
  }
  parts.push('</svg>');
  return parts.join('');
}

const SEGMENTS = [
  { key: 'falsePositives', cls: 'fp', colour: '#dc2626', label: 'wrong flag (permissible judged impermissible)' },
  { key: 'falseNegatives', cls: 'fn', colour: '#f59e0b', label: 'missed (impermissible judged permissible)' },
  { key: 'unclear', cls: 'unclear', colour: '#a1a1aa', label: 'unclear' },
] as const;

/** Misjudged norms, most errors first: one stacked bar per norm, split by kind of error. */
export function normErrorsSvg(id: string, norms: readonly NormErrors[], top = 15): string {
  const shown = norms.slice(0, top);
  const width = 1000;
  const labelW = 560;
  const rowH = 24;
  const legendH = 34;
  const barW = width - labelW - 60;
  const height = Math.max(70, legendH + shown.length * rowH + 10);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" id="${esc(id)}" class="chart norm-errors" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Misjudged norms" ${FONT} font-size="12">`);
  parts.push(`<title>Norms with misjudged items (top ${top})</title>`);
  let lx = 0;
  for (const s of SEGMENTS) {
    parts.push(`<rect x="${lx}" y="8" width="12" height="12" fill="${s.colour}"/><text x="${lx + 17}" y="18" fill="#3f3f46">${esc(s.label)}</text>`);
    lx += 24 + s.label.length * 6.4;
  }
  if (shown.length === 0) {
    parts.push(`<text class="empty" x="0" y="${legendH + 20}" fill="#52525b">No norm was misjudged.</text></svg>`);
    return parts.join('');
  }
  const max = Math.max(...shown.map((n) => n.errors));
  const scale = barW / max;
  shown.forEach((n, i) => {
    const y = legendH + i * rowH;
    parts.push(`<g class="norm-row" data-errors="${n.errors}"><title>${esc(n.norm)}: ${n.errors} of ${n.items} item(s) misjudged</title>`);
    parts.push(`<text class="norm-label" x="${labelW - 8}" y="${y + 16}" text-anchor="end" fill="#27272a">${esc(clip(n.norm, 82))}</text>`);
    let x = labelW;
    for (const s of SEGMENTS) {
      const count = n[s.key];
      if (count === 0) continue;
      parts.push(`<rect class="seg ${s.cls}" data-count="${count}" x="${x.toFixed(1)}" y="${y + 4}" width="${(count * scale).toFixed(1)}" height="${rowH - 8}" fill="${s.colour}"/>`);
      x += count * scale;
    }
    parts.push(`<text class="count" x="${(x + 6).toFixed(1)}" y="${y + 16}" fill="#27272a">${n.errors}</text></g>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
