import { esc } from './escape.js';
import type { FrameCell } from './report.js';
import type { PrPoint, ReliabilityBin } from './score-metrics.js';
import { LABELS } from './types.js';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';
/** One colour per method, in the order the report lists them. */
export const METHOD_COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

interface Plot {
  width: number;
  height: number;
  m: { top: number; right: number; bottom: number; left: number };
}
const SQUARE: Plot = { width: 420, height: 380, m: { top: 30, right: 16, bottom: 46, left: 52 } };

/** A unit square (0..1 on both axes) with grid, ticks and axis titles. */
function unitAxes(p: Plot, xTitle: string, yTitle: string): { parts: string[]; x: (v: number) => number; y: (v: number) => number } {
  const w = p.width - p.m.left - p.m.right;
  const h = p.height - p.m.top - p.m.bottom;
  const x = (v: number) => p.m.left + v * w;
  const y = (v: number) => p.m.top + h - v * h;
  const parts: string[] = [];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(`<line class="grid" x1="${x(0)}" x2="${x(1)}" y1="${y(t)}" y2="${y(t)}" stroke="#e4e4e7"/>`);
    parts.push(`<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${y(0)}" y2="${y(1)}" stroke="#f1f1f3"/>`);
    parts.push(`<text x="${x(0) - 6}" y="${y(t) + 4}" text-anchor="end" fill="#52525b">${t}</text>`);
    parts.push(`<text x="${x(t)}" y="${y(0) + 16}" text-anchor="middle" fill="#52525b">${t}</text>`);
  }
  parts.push(`<rect x="${x(0)}" y="${y(1)}" width="${w}" height="${h}" fill="none" stroke="#52525b"/>`);
  parts.push(`<text x="${x(0.5)}" y="${p.height - 8}" text-anchor="middle" fill="#27272a">${esc(xTitle)}</text>`);
  parts.push(`<text x="14" y="${y(0.5)}" text-anchor="middle" fill="#27272a" transform="rotate(-90 14 ${y(0.5)})">${esc(yTitle)}</text>`);
  return { parts, x, y };
}

function legend(methods: readonly string[], p: Plot): string {
  let lx = p.m.left;
  return methods
    .map((name, i) => {
      const out = `<line x1="${lx}" x2="${lx + 16}" y1="${p.m.top - 14}" y2="${p.m.top - 14}" stroke="${METHOD_COLOURS[i % METHOD_COLOURS.length]}" stroke-width="2.5"/><text x="${lx + 20}" y="${p.m.top - 10}" fill="#3f3f46">${esc(name)}</text>`;
      lx += 34 + name.length * 6.6;
      return out;
    })
    .join('');
}

function open(id: string, cls: string, label: string, p: Plot): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${esc(id)}" class="chart ${cls}" viewBox="0 0 ${p.width} ${p.height}" width="${p.width}" height="${p.height}" role="img" aria-label="${esc(label)}" ${FONT} font-size="11"><title>${esc(label)}</title>`;
}

/** Precision against recall as the score threshold falls, one line per method that gives a score. */
export function prCurveSvg(id: string, curves: ReadonlyArray<{ method: string; points: readonly PrPoint[] }>): string {
  const p = SQUARE;
  const { parts, x, y } = unitAxes(p, 'recall (impermissible)', 'precision');
  const out = [open(id, 'pr-curve', 'Precision–recall curve of the score', p), ...parts, legend(curves.map((c) => c.method), p)];
  curves.forEach((c, i) => {
    if (c.points.length === 0) return;
    const d = c.points.map((pt, k) => `${k === 0 ? 'M' : 'L'}${x(pt.recall).toFixed(1)},${y(pt.precision).toFixed(1)}`).join(' ');
    out.push(`<path class="curve" data-method="${esc(c.method)}" data-points="${c.points.length}" d="${d}" fill="none" stroke="${METHOD_COLOURS[i % METHOD_COLOURS.length]}" stroke-width="2"/>`);
  });
  if (curves.every((c) => c.points.length === 0)) out.push(`<text class="empty" x="${x(0.5)}" y="${y(0.5)}" text-anchor="middle" fill="#666">No method gave a score</text>`);
  out.push('</svg>');
  return out.join('');
}

/** Observed share of impermissible items against the mean score per bin; the diagonal is perfect calibration. */
export function reliabilitySvg(id: string, series: ReadonlyArray<{ method: string; bins: readonly ReliabilityBin[] }>): string {
  const p = SQUARE;
  const { parts, x, y } = unitAxes(p, 'mean score in bin (predicted P(impermissible))', 'observed share impermissible');
  const out = [open(id, 'reliability', 'Reliability diagram of the score', p), ...parts, legend(series.map((s) => s.method), p)];
  out.push(`<line class="diagonal" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#a1a1aa" stroke-dasharray="4 3"/>`);
  series.forEach((s, i) => {
    const colour = METHOD_COLOURS[i % METHOD_COLOURS.length];
    const filled = s.bins.filter((b) => b.meanScore !== null && b.observed !== null);
    if (filled.length === 0) return;
    out.push(`<path d="${filled.map((b, k) => `${k === 0 ? 'M' : 'L'}${x(b.meanScore as number).toFixed(1)},${y(b.observed as number).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    for (const b of filled) {
      const r = Math.min(9, 2.5 + Math.sqrt(b.items));
      out.push(
        `<circle class="bin" data-method="${esc(s.method)}" data-items="${b.items}" cx="${x(b.meanScore as number).toFixed(1)}" cy="${y(b.observed as number).toFixed(1)}" r="${r.toFixed(1)}" fill="${colour}" fill-opacity="0.55"><title>${esc(s.method)}: score ${b.from.toFixed(1)}–${b.to.toFixed(1)}, ${b.items} ask(s), ${((b.observed as number) * 100).toFixed(0)}% impermissible</title></circle>`,
      );
    }
  });
  if (series.every((s) => s.bins.every((b) => b.items === 0))) out.push(`<text class="empty" x="${x(0.5)}" y="${y(0.5)}" text-anchor="middle" fill="#666">No method gave a score</text>`);
  out.push('</svg>');
  return out.join('');
}

/**
 * Frame × label: the share of each label judged impermissible, per frame and method. The cells the
 * model never saw in training are S3 on permissible (a refusal there is the prior) and S2 on
 * impermissible (a validation there is the prior).
 */
export function frameLabelSvg(id: string, methods: ReadonlyArray<{ method: string; frames: readonly FrameCell[] }>): string {
  const cellW = 92;
  const cellH = 44;
  const rowLabelW = 150;
  const blockGap = 26;
  const rows = methods.reduce((n, m) => n + m.frames.length, 0);
  const height = 40 + rows * cellH + methods.length * blockGap;
  const width = rowLabelW + LABELS.length * cellW + 20;
  const p: Plot = { width, height, m: { top: 0, right: 0, bottom: 0, left: 0 } };
  const out = [open(id, 'frame-label', 'Share judged impermissible by frame and label', p)];
  LABELS.forEach((label, j) => out.push(`<text x="${rowLabelW + j * cellW + cellW / 2}" y="22" text-anchor="middle" fill="#52525b">${label}</text>`));
  let top = 34;
  for (const m of methods) {
    out.push(`<text x="0" y="${top + 10}" font-weight="600" fill="#27272a">${esc(m.method)}</text>`);
    top += 16;
    for (const c of m.frames) {
      out.push(`<text x="${rowLabelW - 8}" y="${top + cellH / 2 + 4}" text-anchor="end" fill="#3f3f46">${c.id} (${c.frame})</text>`);
      LABELS.forEach((label, j) => {
        const share = c.flaggedRate[label];
        // Flagging is right for impermissible items, wrong for permissible ones.
        const good = share === null ? null : label === 'impermissible' ? share : 1 - share;
        const fill = good === null ? '#f4f4f5' : `hsl(${Math.round(good * 120)}, 65%, ${Math.round(88 - 30 * Math.abs(good - 0.5) * 2)}%)`;
        const text = share === null ? '—' : `${(share * 100).toFixed(0)}%`;
        out.push(
          `<g class="fl-cell" data-method="${esc(m.method)}" data-frame="${c.frame}" data-label="${label}" data-share="${share ?? ''}"><rect x="${rowLabelW + j * cellW + 2}" y="${top + 2}" width="${cellW - 4}" height="${cellH - 4}" rx="5" fill="${fill}"/><text x="${rowLabelW + j * cellW + cellW / 2}" y="${top + cellH / 2 + 5}" text-anchor="middle" font-size="14" font-weight="600" fill="#18181b">${text}</text></g>`,
        );
      });
      top += cellH;
    }
    top += blockGap - 16;
  }
  out.push('</svg>');
  return out.join('');
}
